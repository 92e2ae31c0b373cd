"""When a unit's jurisdiction changes, the factories it covers follow (docs/domain.md §3).

A sub-centre's provinces and an agency's countries are the jurisdiction map. After a unit is
created or updated, every factory in a province or country whose unit changed is routed again
exactly as a corrected factory is (services/factories.py): its responsible unit and serving
agency from the new map, its open tasks after it (services/tasks/rerouting.follow_factory),
each change audited with the administrator's reason. A province left to no unit while it
still has factories is refused: the change would leave them without a responsible unit."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q

from domain.audit_events import AuditAction
from domain.enums import UnitKind
from domain.errors import DomainError, ErrorCode
from domain.jurisdiction import CHINA, JurisdictionMap
from services import audit_log
from services.context import Session
from services.tasks.rerouting import follow_factory
from services.versioning import save_versioned
from store.models import Factory, OrgUnit
from store.units import load_jurisdiction, unit_ids_by_code, units_by_id


async def take_over(unit_code: str, kind: UnitKind, listed: Iterable[str], why: str) -> list[str]:
    """The provinces (a sub-centre) or countries (an agency) `unit_code` now lists become its
    own: another unit of its kind that had one of them loses it (audited on that unit). Returns
    the codes of the units that gave something up."""
    field = {UnitKind.SUBCENTER: "provinces", UnitKind.FOREIGN_AGENCY: "countries"}.get(kind)
    wanted = set(listed)
    if field is None or not wanted:
        return []
    gave = []
    for other in await OrgUnit.filter(kind=kind).exclude(code=unit_code).order_by("id"):
        had = list(getattr(other, field))
        kept = [value for value in had if value not in wanted]
        if kept == had:
            continue
        await OrgUnit.filter(id=other.id).update(**{field: kept})
        await audit_log.record(
            AuditAction.UNIT_UPDATE, "OrgUnit", other.id, before={field: had}, after={field: kept}, reason=why
        )
        gave.append(other.code)
    return gave


async def reroute_factories(
    session: Session, provinces: Iterable[str], countries: Iterable[str], why: str
) -> list[str]:
    """Route again the factories of the provinces and countries whose unit may have changed;
    returns the codes of those whose responsible unit or agency changed."""
    provinces, countries = sorted(set(provinces)), sorted(set(countries))
    if not provinces and not countries:
        return []
    try:
        jurisdiction = await load_jurisdiction(session.config.north_china)
    except ValueError as exc:  # two units listing one province or country
        raise DomainError(
            ErrorCode.CONFLICT, "the jurisdictions overlap: {reason}", ("provinces",), reason=str(exc)
        ) from None
    affected = await Factory.filter(Q(country=CHINA, province__in=provinces) | Q(country__in=countries)).order_by("id")
    codes = await _unit_codes([f.responsible_unit_id for f in affected] + [f.agency_unit_id for f in affected])
    moved = []
    for factory in affected:
        responsible, agency = _route(jurisdiction, factory)
        if (responsible, agency) == (codes[factory.responsible_unit_id], codes.get(factory.agency_unit_id)):
            continue
        ids = await unit_ids_by_code([c for c in (responsible, agency) if c])
        before = {"responsibleUnit": codes[factory.responsible_unit_id], "agency": codes.get(factory.agency_unit_id)}
        await save_versioned(
            factory, "factory", responsible_unit_id=ids[responsible], agency_unit_id=ids.get(agency) if agency else None
        )
        rerouted = await follow_factory(session, factory, why)
        await audit_log.record(
            AuditAction.FACTORY_REROUTE,
            "Factory",
            factory.id,
            before=before,
            after={"responsibleUnit": responsible, "agency": agency, "openTasksRerouted": rerouted},
            reason=why,
        )
        moved.append(factory.code)
    return moved


def _route(jurisdiction: JurisdictionMap, factory: Factory) -> tuple[str, str | None]:
    try:
        responsible = jurisdiction.responsible_unit(factory.country, factory.province)
    except DomainError:
        raise DomainError(
            ErrorCode.CONFLICT,
            "factory {code} in {province} would have no responsible unit (负责单位): give the province to another "
            "sub-centre (list it in that sub-centre's provinces) instead",
            ("provinces",),
            code=factory.code,
            province=factory.province,
        ) from None
    return responsible, jurisdiction.serving_agency(factory.country)


async def _unit_codes(ids: list[int | None]) -> dict[int, str]:
    return {i: u.code for i, u in (await units_by_id([i for i in ids if i is not None])).items()}
