"""Factory information maintenance (docs/domain.md §4.9): corrections and class changes.

Both return the exact set of changed fields so the audit trail records before/after.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from domain.enums import FactoryClass, FactoryStatus
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.jurisdiction import CHINA, JurisdictionMap
from domain.validation import clean_text, country_code

NAME_MAX = 200
ADDRESS_MAX = 500
PROVINCE_MAX = 40
CODE_MAX = 32


@dataclass(frozen=True)
class FactoryFacts:
    """The correctable facts of a factory, as the domain sees them."""

    name: str
    address: str
    country: str
    province: str | None
    status: FactoryStatus
    classification: FactoryClass
    responsible_unit: str


@dataclass(frozen=True)
class FactoryCorrection:
    """What a user asked to change; None means 'leave as is'."""

    name: str | None = None
    address: str | None = None
    country: str | None = None
    province: str | None = None
    status: FactoryStatus | None = None
    fields_set: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Change:
    before: dict
    after: dict
    facts: FactoryFacts


def correct_information(current: FactoryFacts, correction: FactoryCorrection, jurisdiction: JurisdictionMap) -> Change:
    """Apply a correction; re-route jurisdiction when the location changes. A province in China
    is stored by its canonical name (`jiangsu`, 江苏 -> Jiangsu)."""
    _refuse_merged(current, correction.status)
    errors: list[DomainError] = []
    updates: dict = {}

    def attempt(name: str, fn) -> None:
        try:
            updates[name] = fn()
        except DomainError as exc:
            errors.append(exc)

    if correction.name is not None:
        attempt("name", lambda: clean_text(correction.name, "name", max_length=NAME_MAX, single_line=True))
    if correction.address is not None:
        attempt("address", lambda: clean_text(correction.address, "address", max_length=ADDRESS_MAX))
    if correction.country is not None:
        attempt("country", lambda: country_code(correction.country))
    if "province" in correction.fields_set:
        attempt(
            "province",
            lambda: clean_text(
                correction.province, "province", max_length=PROVINCE_MAX, required=False, single_line=True
            ),
        )
    if correction.status is not None:
        updates["status"] = correction.status
    if errors:
        raise DomainErrors(errors)

    candidate = replace(current, **updates)
    if candidate.country != CHINA and "province" not in updates:
        candidate = replace(candidate, province=None)
    if candidate.country == CHINA:  # stored by its canonical name (domain/provinces.py)
        candidate = replace(candidate, province=jurisdiction.china_province(candidate.province))
    candidate = replace(
        candidate, responsible_unit=jurisdiction.responsible_unit(candidate.country, candidate.province)
    )
    return _diff(current, candidate)


def _refuse_merged(current: FactoryFacts, status: FactoryStatus | None) -> None:
    """A merged duplicate (已合并) is history: it is not corrected, and a factory becomes merged
    only by merging it into another (services/registry_admin), never by a correction."""
    if current.status == FactoryStatus.MERGED:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED, "a merged factory (已合并) is kept as history, not changed", ("status",)
        )
    if status == FactoryStatus.MERGED:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a factory is merged (已合并) only by merging it into another",
            ("status",),
        )


def change_class(current: FactoryFacts, new_class: FactoryClass) -> Change:
    _refuse_merged(current, None)
    if new_class == current.classification:
        raise DomainError(
            ErrorCode.NO_CHANGE,
            "the factory is already class {new_class}",
            ("classification",),
            new_class=new_class.value,
        )
    return _diff(current, replace(current, classification=new_class))


def _diff(current: FactoryFacts, candidate: FactoryFacts) -> Change:
    before, after = {}, {}
    for name in FactoryFacts.__dataclass_fields__:
        old, new = getattr(current, name), getattr(candidate, name)
        if old != new:
            before[name] = _plain(old)
            after[name] = _plain(new)
    if not after:
        raise DomainError(ErrorCode.NO_CHANGE, "the correction changes nothing")
    return Change(before, after, candidate)


def _plain(value):
    return value.value if hasattr(value, "value") else value


def validate_new_factory_code(code: str) -> str:
    text = clean_text(code, "code", max_length=CODE_MAX, single_line=True)
    assert text is not None
    return text
