"""Org units (组织单位): created and updated by HQ's policy administrators (`org_unit manage`).

A new sub-centre, agency or lab is overseen by HQ from the start (a `g2, unit:<code>,
unit:hq` policy line, so HQ's roles reach it); an enterprise is not (its people see their
own factories only). A sub-centre listing a province another sub-centre had, or an agency a
country another agency served, takes it over; the factories there follow with their open
tasks (services/registry_admin/routing.py)."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from domain import registry
from domain.audit_events import AuditAction
from domain.enums import UnitKind
from domain.errors import DomainError, ErrorCode
from domain.validation import require_reason
from services import audit_log
from services.policy_sync import PolicySync
from services.registry_admin.common import changed, input_fields
from services.registry_admin.routing import reroute_factories, take_over
from services.runner import Work, at_hq, command
from store import policy_store
from store.db import after_commit
from store.models import OrgUnit, PolicyRule

KIND = "org_unit"
OVERSEER = "hq"
LISTS = ("provinces", "countries", "regions")


@command(authorize=at_hq("manage", KIND))
async def create_org_unit(
    work: Work,
    *,
    sync: PolicySync,
    code: str,
    kind: UnitKind,
    name: str,
    name_zh: str,
    provinces: Sequence[str],
    countries: Sequence[str],
    regions: Sequence[str],
    reason: str | None,
) -> OrgUnit:
    why = require_reason(reason)
    with input_fields():
        new = registry.new_unit(
            code=code,
            kind=kind,
            name=name,
            name_zh=name_zh,
            provinces=provinces,
            countries=countries,
            regions=regions,
            north_china=work.user.config.north_china,
        )
    if await OrgUnit.filter(code=new.code).exists():
        raise DomainError(ErrorCode.CONFLICT, "a unit {code!r} exists already", ("code",), code=new.code)
    await _check_regions(new)
    gave = await take_over(new.code, new.kind, new.provinces or new.countries, why)
    try:
        unit = await OrgUnit.create(
            code=new.code,
            kind=new.kind,
            name=new.name,
            name_zh=new.name_zh,
            provinces=list(new.provinces),
            countries=list(new.countries),
            regions=list(new.regions),
        )
    except IntegrityError:  # created concurrently
        raise DomainError(ErrorCode.CONFLICT, "a unit {code!r} exists already", ("code",), code=new.code) from None
    overseen = new.kind not in (UnitKind.ENTERPRISE, UnitKind.HQ)
    rerouted = await reroute_factories(work.user, new.provinces, new.countries, why)
    await audit_log.record(
        AuditAction.UNIT_CREATE,
        "OrgUnit",
        unit.id,
        after={
            **describe(unit),
            "overseenBy": OVERSEER if overseen else None,
            **({"takenFrom": gave} if gave else {}),
            **({"factoriesRouted": rerouted} if rerouted else {}),
        },
        reason=why,
    )
    if overseen:
        await _oversee(unit, why)
        after_commit(lambda: sync.refresh(force=True))  # this process's policy follows what committed
    return unit


@command(authorize=at_hq("manage", KIND))
async def update_org_unit(
    work: Work,
    *,
    unit_id: int,
    name: str | None,
    name_zh: str | None,
    provinces: Sequence[str] | None,
    countries: Sequence[str] | None,
    regions: Sequence[str] | None,
    reason: str | None,
) -> OrgUnit:
    """None leaves a field as it is. Provinces or countries the unit no longer lists are
    routed again: one whose factories would be left to no unit is refused."""
    why = require_reason(reason)
    unit = await OrgUnit.filter(id=unit_id).first()
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such unit", ("unitId",))
    current = registry.NewUnit(
        unit.code, UnitKind(unit.kind), unit.name, unit.name_zh, *(tuple(getattr(unit, field)) for field in LISTS)
    )
    with input_fields():
        new = registry.changed_unit(
            current,
            name=name,
            name_zh=name_zh,
            provinces=provinces,
            countries=countries,
            regions=regions,
            north_china=work.user.config.north_china,
        )
    await _check_regions(new)
    before_values, after_values = changed(describe(unit), describe_new(new))
    if not after_values:
        raise DomainError(ErrorCode.NO_CHANGE, "the update changes nothing")
    gave = await take_over(new.code, new.kind, new.provinces or new.countries, why)
    await OrgUnit.filter(id=unit.id).update(
        name=new.name,
        name_zh=new.name_zh,
        provinces=list(new.provinces),
        countries=list(new.countries),
        regions=list(new.regions),
    )
    touched_provinces = set(unit.provinces) ^ set(new.provinces)
    touched_countries = set(unit.countries) ^ set(new.countries)
    rerouted = await reroute_factories(work.user, touched_provinces, touched_countries, why)
    await audit_log.record(
        AuditAction.UNIT_UPDATE,
        "OrgUnit",
        unit.id,
        before=before_values,
        after={
            **after_values,
            **({"takenFrom": gave} if gave else {}),
            **({"factoriesRouted": rerouted} if rerouted else {}),
        },
        reason=why,
    )
    await unit.refresh_from_db()
    return unit


def describe(unit: OrgUnit) -> dict:
    return {
        "code": unit.code,
        "kind": UnitKind(unit.kind).value,
        "name": unit.name,
        "nameZh": unit.name_zh,
        **{field: list(getattr(unit, field)) for field in LISTS},
    }


def describe_new(new: registry.NewUnit) -> dict:
    return {
        "code": new.code,
        "kind": new.kind.value,
        "name": new.name,
        "nameZh": new.name_zh,
        **{field: list(getattr(new, field)) for field in LISTS},
    }


async def _check_regions(new: registry.NewUnit) -> None:
    """A lab serves sub-centres (North China, HQ's own, is the domain rules' check)."""
    if new.regions:
        known = set(
            await OrgUnit.filter(kind=UnitKind.SUBCENTER, code__in=list(new.regions)).values_list("code", flat=True)
        )
        unknown = [r for r in new.regions if r not in known]
        if unknown:
            raise DomainError(
                ErrorCode.NOT_FOUND, "no sub-centre {unknown} (服务分中心)", ("regions",), unknown=", ".join(unknown)
            )


async def _oversee(unit: OrgUnit, why: str) -> None:
    line = ("g2", f"unit:{unit.code}", f"unit:{OVERSEER}")
    if await policy_store.find_rule(line):
        return
    rule = await PolicyRule.create(**policy_store.rule_fields(line))
    await policy_store.bump_revision()
    await audit_log.record(AuditAction.POLICY_ADD, "PolicyRule", rule.id, after={"line": list(line)}, reason=why)
