"""Jurisdiction routing (docs/domain.md §3): which unit is responsible for a factory.

Overseas or North China -> HQ; any other province -> the sub-centre whose jurisdiction
lists it. The North China provinces are configuration, passed in, never hard-coded here.
Provinces here are canonical names (domain/provinces.py): every write stores them so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain.errors import DomainError, ErrorCode
from domain.provinces import canonical_province

CHINA = "CN"
DEFAULT_NORTH_CHINA = ("Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia")


@dataclass(frozen=True)
class JurisdictionMap:
    """HQ's code, the North China provinces and each sub-centre's provinces."""

    hq_code: str
    north_china: frozenset[str]
    subcenter_provinces: Mapping[str, frozenset[str]]
    agency_countries: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        hq_code: str,
        north_china: Iterable[str],
        subcenter_provinces: Mapping[str, Iterable[str]],
        agency_countries: Mapping[str, Iterable[str]] | None = None,
    ) -> JurisdictionMap:
        north = frozenset(north_china)
        seen: dict[str, str] = {}
        for unit, provinces in subcenter_provinces.items():
            for province in provinces:
                if province in north:
                    raise ValueError(f"{province} is North China and cannot belong to {unit}")
                if province in seen:
                    raise ValueError(f"{province} belongs to both {seen[province]} and {unit}")
                seen[province] = unit
        agencies = {a: frozenset(c) for a, c in (agency_countries or {}).items()}
        served: dict[str, str] = {}
        for agency, countries in agencies.items():
            for country in countries:
                if country in served:
                    raise ValueError(f"{country} is served by both {served[country]} and {agency}")
                served[country] = agency
        return cls(hq_code, north, {u: frozenset(p) for u, p in subcenter_provinces.items()}, agencies)

    def known_provinces(self) -> frozenset[str]:
        return self.north_china.union(*self.subcenter_provinces.values())

    def china_province(self, text: str | None) -> str:
        """The canonical name (domain/provinces.py) of a Chinese factory's province, which some
        unit's jurisdiction must cover."""
        if not text:
            raise DomainError(ErrorCode.REQUIRED, "province (省份): a factory in China needs one", ("province",))
        province = canonical_province(text)
        if province is None:
            raise DomainError(
                ErrorCode.JURISDICTION,
                "province (省份): {text!r} is not one of China's provincial-level divisions (省级行政区)",
                ("province",),
                text=text,
            )
        if province not in self.known_provinces():
            raise DomainError(
                ErrorCode.JURISDICTION,
                "no unit's jurisdiction (管辖) lists the province {province!r}",
                ("province",),
                province=province,
            )
        return province

    def responsible_unit(self, country: str, province: str | None) -> str:
        """The code of the unit responsible for a factory located in country/province."""
        if country.upper() != CHINA:
            return self.hq_code
        if not province:
            raise DomainError(ErrorCode.REQUIRED, "a factory in China needs a province", ("province",))
        if province in self.north_china:
            return self.hq_code
        for unit, provinces in self.subcenter_provinces.items():
            if province in provinces:
                return unit
        raise DomainError(
            ErrorCode.JURISDICTION,
            "no sub-centre's jurisdiction lists the province {province!r}",
            ("province",),
            province=province,
        )

    def serving_agency(self, country: str) -> str | None:
        """The foreign agency HQ works with in that country, if any (docs/domain.md §3)."""
        if country == CHINA:
            return None
        for agency, countries in sorted(self.agency_countries.items()):
            if country in countries:
                return agency
        return None
