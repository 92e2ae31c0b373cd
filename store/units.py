"""Org unit look-ups and the jurisdiction map built from them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.enums import UnitKind
from domain.jurisdiction import JurisdictionMap
from store.models import OrgUnit


async def unit_ids_by_code(codes: Iterable[str]) -> dict[str, int]:
    rows = await OrgUnit.filter(code__in=list(codes)).values_list("code", "id")
    return dict(rows)


async def units_by_id(ids: Iterable[int]) -> dict[int, OrgUnit]:
    return {u.id: u for u in await OrgUnit.filter(id__in=list(set(ids)))}


async def load_jurisdiction(north_china: Iterable[str]) -> JurisdictionMap:
    rows = await OrgUnit.filter(kind__in=[UnitKind.HQ, UnitKind.SUBCENTER, UnitKind.FOREIGN_AGENCY]).values_list(
        "code", "kind", "provinces", "countries"
    )
    hq = next((code for code, kind, _, _ in rows if kind == UnitKind.HQ), "hq")
    return JurisdictionMap.build(
        hq,
        north_china,
        {code: provinces for code, kind, provinces, _ in rows if kind == UnitKind.SUBCENTER},
        {code: countries for code, kind, _, countries in rows if kind == UnitKind.FOREIGN_AGENCY},
    )


async def domain_codes(row, columns: tuple[str, ...]) -> list[str]:
    """The unit codes behind a row's domain columns (one query), for a Casbin decision."""
    ids = [getattr(row, c) for c in columns if getattr(row, c) is not None]
    codes = dict(await OrgUnit.filter(id__in=ids).values_list("id", "code"))
    return [codes[i] for i in ids if i in codes]
