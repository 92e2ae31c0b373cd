"""Factories: scoped reads, information correction (§4.9) and class changes."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from domain import factory as rules
from domain.audit_events import AuditAction
from domain.enums import FactoryClass, FactoryStatus
from domain.jurisdiction import JurisdictionMap
from domain.validation import require_reason
from services import audit_log
from services.context import Session
from services.errors import bounded
from services.runner import Work, command
from services.scoping import factory_filter, factory_unit_ids
from services.tasks.rerouting import follow_factory
from services.versioning import save_versioned
from store.models import Factory
from store.pagination import Page, PageRequest, paginate
from store.rows import FACTORY_FIELDS, fetch_rows
from store.units import load_jurisdiction, unit_ids_by_code

KIND = "factory"
CLASS_FIELD = "factory.class"


@dataclass(frozen=True)
class FactoryFilter:
    responsible_unit: str | None = None
    country: str | None = None
    province: str | None = None
    classification: FactoryClass | None = None
    status: FactoryStatus | None = None
    search: str | None = None


async def list_factories(session: Session, flt: FactoryFilter, page: PageRequest) -> Page[Factory]:
    qs = Factory.filter(await factory_filter(session, "read", KIND))
    if flt.classification is not None:
        # Filtering by class would reveal it: only where the viewer may read the class.
        qs = qs.filter(await factory_filter(session, "read", CLASS_FIELD))
        qs = qs.filter(classification=flt.classification)
    if flt.responsible_unit is not None:
        qs = qs.filter(responsible_unit__code=bounded(flt.responsible_unit, "responsibleUnit", 32))
    if flt.country is not None:
        qs = qs.filter(country=bounded(flt.country, "country", 2).upper())
    if flt.province is not None:
        qs = qs.filter(province=bounded(flt.province, "province", 40))
    if flt.status is not None:
        qs = qs.filter(status=flt.status)
    if flt.search:
        term = bounded(flt.search, "search", 100)
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return await paginate(qs, page, FACTORY_FIELDS)


async def visible_factories(session: Session, ids: list[int]) -> dict[int, Factory]:
    """The factories among `ids` the viewer may read (for node(id) and DataLoaders)."""
    rows = await fetch_rows(Factory.filter(await factory_filter(session, "read", KIND), id__in=ids), FACTORY_FIELDS)
    return {f.id: f for f in rows}


async def class_readable(session: Session, factories: list) -> set[int]:
    """Ids of the factories whose class the viewer may read (field-level rule, §6)."""
    allowed = await session.perms.unit_ids("read", CLASS_FIELD)
    return {f.id for f in factories if factory_unit_ids(f) & allowed}


@command(gate="Factory", action="update")
async def correct_information(
    work: Work,
    *,
    factory_id: int,
    expected_version: int,
    correction: rules.FactoryCorrection,
    reason: str | None,
) -> Factory:
    why = require_reason(reason)
    factory = await _with_units(work.target)
    jurisdiction = await _jurisdiction(work.user)
    change = rules.correct_information(_facts(factory), correction, jurisdiction)
    old_unit = factory.responsible_unit_id
    await _save(factory, change, jurisdiction)
    if change.after.keys() & {"country", "province"}:  # moved: its open tasks follow
        rerouted = await follow_factory(work.user, factory, why)
        if rerouted or factory.responsible_unit_id != old_unit:
            change.after["openTasksRerouted"] = rerouted
    await audit_log.record(
        AuditAction.FACTORY_CORRECT,
        "Factory",
        factory.id,
        before=change.before,
        after=change.after,
        reason=why,
    )
    return factory


@command(gate="Factory", action="reclassify")
async def change_class(
    work: Work, *, factory_id: int, expected_version: int, new_class: FactoryClass, reason: str | None
) -> Factory:
    why = require_reason(reason)
    factory = await _with_units(work.target)
    change = rules.change_class(_facts(factory), new_class)
    await _save(factory, change, None)
    await audit_log.record(
        AuditAction.FACTORY_RECLASSIFY,
        "Factory",
        factory.id,
        before=change.before,
        after=change.after,
        reason=why,
    )
    return factory


# --- helpers -----------------------------------------------------------------------------


async def _with_units(factory: Factory) -> Factory:
    """The factory the gate opened, with the units its facts name."""
    await factory.fetch_related("responsible_unit", "agency_unit", "enterprise_unit")
    return factory


async def _jurisdiction(session: Session) -> JurisdictionMap:
    return await load_jurisdiction(session.config.north_china)


def _facts(factory: Factory) -> rules.FactoryFacts:
    return rules.FactoryFacts(
        name=factory.name,
        address=factory.address,
        country=factory.country,
        province=factory.province,
        status=FactoryStatus(factory.status),
        classification=FactoryClass(factory.classification),
        responsible_unit=factory.responsible_unit.code,
    )


async def _save(factory: Factory, change: rules.Change, jurisdiction: JurisdictionMap | None) -> None:
    facts = change.facts
    updates = {
        "name": facts.name,
        "address": facts.address,
        "country": facts.country,
        "province": facts.province,
        "status": facts.status,
        "classification": facts.classification,
    }
    if jurisdiction is not None:
        agency = jurisdiction.serving_agency(facts.country)
        ids = await unit_ids_by_code([c for c in (facts.responsible_unit, agency) if c])
        updates["responsible_unit_id"] = ids[facts.responsible_unit]
        updates["agency_unit_id"] = ids.get(agency) if agency else None
    # Conditional on the version read: a concurrent writer makes this match no row.
    await save_versioned(factory, "factory", **updates)
