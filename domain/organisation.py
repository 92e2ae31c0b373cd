"""Org units and people (issue 12, registry administration): what a new unit or person must
satisfy before it is written, from a mutation or an import file. Typed values in, `DomainErrors`
listing every bad field out (see domain/registry_checks.py)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from domain.enums import Role, UnitKind
from domain.errors import DomainError, ErrorCode, term
from domain.factory import PROVINCE_MAX
from domain.jurisdiction import CHINA
from domain.provinces import canonical_province
from domain.registry_checks import Checks, distinct, optional_text, required_text
from domain.validation import country_code

HQ_CODE = "hq"
UNIT_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
UNIT_NAME_MAX = 200
LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")  # as server/oidc.py accepts a login
DISPLAY_NAME_MAX = 200
EMAIL_MAX = 254
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

# What a unit of each kind may hold (docs/domain.md §3): HQ's own roles (policy administration,
# audit) are granted only at HQ; staff work in HQ and the sub-centres; the outside parties hold
# their one role in their own unit.
_STAFF = (Role.PLANNER, Role.INSPECTOR, Role.REVIEWER, Role.DECIDER, Role.ARCHIVIST, Role.MARKET_BUYER)
ROLES_BY_UNIT_KIND: dict[UnitKind, frozenset[Role]] = {
    UnitKind.HQ: frozenset({Role.POLICY_ADMIN, Role.AUDITOR, *_STAFF}),
    UnitKind.SUBCENTER: frozenset(_STAFF),
    UnitKind.FOREIGN_AGENCY: frozenset({Role.AGENCY_INSPECTOR}),
    UnitKind.LAB: frozenset({Role.LAB_TESTER}),
    UnitKind.ENTERPRISE: frozenset({Role.ENTERPRISE}),
}

# --- Org units -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewUnit:
    code: str
    kind: UnitKind
    name: str
    name_zh: str
    provinces: tuple[str, ...]
    countries: tuple[str, ...]
    regions: tuple[str, ...]


def unit_code(value: str, field: str = "code") -> str:
    code = (value or "").strip()
    if not code:
        raise DomainError(ErrorCode.REQUIRED, "{field} (单位代码) is required", (field,), field=field)
    if not UNIT_CODE.fullmatch(code):
        raise DomainError(
            ErrorCode.INVALID,
            "{field} (单位代码) must be 1-32 lower-case letters, digits or '-', starting with a letter or digit",
            (field,),
            field=field,
        )
    return code


# The list each kind of unit needs (and only it may have): a sub-centre's provinces (管辖省份),
# an agency's countries (服务国家), a lab's regions (服务分中心).
_LISTS = {UnitKind.SUBCENTER: "provinces", UnitKind.FOREIGN_AGENCY: "countries", UnitKind.LAB: "regions"}
_LIST_TERMS = {"provinces": "管辖省份", "countries": "服务国家", "regions": "服务分中心"}


def new_unit(
    *,
    code: str,
    kind: UnitKind,
    name: str,
    name_zh: str,
    provinces: Sequence[str],
    countries: Sequence[str],
    regions: Sequence[str],
    north_china: Collection[str] = (),
) -> NewUnit:
    """A new org unit. HQ is the one unit `hq` (a second HQ is refused); a sub-centre needs its
    provinces (China's provincial-level divisions, stored by their canonical names, see
    domain/provinces.py; none of `north_china`, HQ's own), an agency its countries (ISO 3166 alpha-2, not CN), a lab the
    sub-centres it serves; no other kind has any of these lists."""
    checks = Checks()
    clean_code = checks.run(lambda: unit_code(code))
    if kind == UnitKind.HQ and clean_code is not None and clean_code != HQ_CODE:
        checks.fail(
            ErrorCode.CONFLICT, "there is one HQ (总部), {code!r}: a second one is refused", "kind", code=HQ_CODE
        )
    clean_name = checks.run(lambda: required_text(name, "name", UNIT_NAME_MAX, single_line=True))
    clean_name_zh = checks.run(lambda: required_text(name_zh, "name_zh", UNIT_NAME_MAX, single_line=True))
    lists = _lists(checks, kind, {"provinces": provinces, "countries": countries, "regions": regions}, north_china)
    checks.raise_any()
    return NewUnit(clean_code, kind, clean_name, clean_name_zh, **lists)  # type: ignore[arg-type]


def changed_unit(
    current: NewUnit,
    *,
    name: str | None,
    name_zh: str | None,
    provinces: Sequence[str] | None,
    countries: Sequence[str] | None,
    regions: Sequence[str] | None,
    north_china: Collection[str] = (),
) -> NewUnit:
    """An update of a unit: None leaves a field as it is, unchecked. A list may have been
    emptied by another unit's take-over (services/registry_admin/routing.py: a sub-centre
    that lists all of another's provinces takes them all); the unit stays valid and can still
    be renamed. Setting a list checks it as a new unit's."""
    checks = Checks()
    clean_name = (
        current.name
        if name is None
        else checks.run(lambda: required_text(name, "name", UNIT_NAME_MAX, single_line=True))
    )
    clean_name_zh = (
        current.name_zh
        if name_zh is None
        else checks.run(lambda: required_text(name_zh, "name_zh", UNIT_NAME_MAX, single_line=True))
    )
    given = {"provinces": provinces, "countries": countries, "regions": regions}
    lists = {field: getattr(current, field) for field, values in given.items() if values is None}
    lists.update(_lists(checks, current.kind, {f: v for f, v in given.items() if v is not None}, north_china))
    checks.raise_any()
    return NewUnit(current.code, current.kind, clean_name, clean_name_zh, **lists)  # type: ignore[arg-type]


def _lists(
    checks: Checks, kind: UnitKind, given: dict[str, Sequence[str]], north_china: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """The lists given, cleaned: the one the kind needs is not empty, the others are."""
    north = frozenset(north_china)
    cleaners = {
        "provinces": lambda p: _province(p, north),
        "countries": _foreign_country,
        "regions": lambda r: unit_code(r, "regions"),
    }
    needed = _LISTS.get(kind)
    lists = {}
    for field, values in given.items():
        clean = checks.run(lambda: distinct(values, field, cleaners[field]))  # noqa: B023 (called at once)
        if clean is None:
            continue
        lists[field] = clean
        zh = _LIST_TERMS[field]
        if field == needed and not clean:
            checks.fail(
                ErrorCode.REQUIRED,
                "a {kind} unit needs its {field} ({term})",
                field,
                kind=term(kind),
                field=field,
                term=zh,
            )
        elif field != needed and clean:
            checks.fail(
                ErrorCode.INVALID, "a {kind} unit has no {field} ({term})", field, kind=term(kind), field=field, term=zh
            )
    return lists


def _province(value: str, north_china: frozenset[str]) -> str:
    text = required_text(value, "provinces", PROVINCE_MAX, single_line=True)
    province = canonical_province(text)
    if province is None:
        raise DomainError(
            ErrorCode.INVALID,
            "provinces (管辖省份): {text!r} is not one of China's provincial-level divisions (省级行政区)",
            ("provinces",),
            text=text,
        )
    if province in north_china:
        raise DomainError(
            ErrorCode.JURISDICTION,
            "{province}: North China (华北) is HQ's own jurisdiction",
            ("provinces",),
            province=province,
        )
    return province


def _foreign_country(value: str) -> str:
    code = country_code(value or "", "countries")
    if code == CHINA:
        raise DomainError(
            ErrorCode.INVALID, "a foreign agency (境外委托机构) serves countries other than CN", ("countries",)
        )
    return code


# --- People ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPerson:
    login: str
    display_name: str
    roles: tuple[Role, ...]
    email: str | None


def login_name(value: str) -> str:
    login = (value or "").strip()
    if not login:
        raise DomainError(ErrorCode.REQUIRED, "login (登录名) is required", ("login",))
    if not LOGIN.fullmatch(login):
        raise DomainError(
            ErrorCode.INVALID,
            "login (登录名) must be 1-64 ASCII letters, digits or . _ @ + -, starting with a letter or digit",
            ("login",),
        )
    return login


def email_address(value: str | None) -> str | None:
    """A plausible address (one @, no spaces, a dotted domain) or None; blank means None."""
    text = optional_text(value, "email", EMAIL_MAX, single_line=True)
    if text is not None and not EMAIL.fullmatch(text):
        raise DomainError(ErrorCode.INVALID, "email (电子邮箱) is not an e-mail address", ("email",))
    return text


def person_name(value: str) -> str:
    return required_text(value, "display_name", DISPLAY_NAME_MAX, single_line=True)


def roles_for(roles: Sequence[Role], unit_kind: UnitKind) -> tuple[Role, ...]:
    """The roles (角色) a person may hold in a unit of that kind, each once, in the order given."""
    allowed = ROLES_BY_UNIT_KIND[unit_kind]
    refused = [r.value for r in roles if r not in allowed]
    if refused:
        raise DomainError(
            ErrorCode.INVALID,
            "a {unit_kind} unit's people cannot hold {refused} (角色)",
            ("roles",),
            unit_kind=term(unit_kind),
            refused=", ".join(refused),
        )
    return tuple(dict.fromkeys(roles))


def new_person(
    *, login: str, display_name: str, roles: Sequence[Role], email: str | None, unit_kind: UnitKind
) -> NewPerson:
    """A new person (人员) of a unit of kind `unit_kind`: a login the identity provider may
    name, a display name, the roles that unit kind allows, an optional e-mail address."""
    checks = Checks()
    clean_login = checks.run(lambda: login_name(login))
    clean_display = checks.run(lambda: required_text(display_name, "display_name", DISPLAY_NAME_MAX, single_line=True))
    clean_roles = checks.run(lambda: roles_for(roles, unit_kind))
    clean_email = checks.run(lambda: email_address(email))
    checks.raise_any()
    return NewPerson(clean_login, clean_display, clean_roles, clean_email)  # type: ignore[arg-type]
