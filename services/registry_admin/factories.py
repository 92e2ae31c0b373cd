"""Factories entering and leaving the registry (HQ's planners): created and routed by the
jurisdiction map as a correction routes them (services/factories.py), closed once nothing is
under way there, reopened (domain/factory_admin.py)."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from domain import factory_admin, registry
from domain.audit_events import AuditAction
from domain.enums import FactoryClass, FactoryStatus, UnitKind
from domain.errors import DomainError, ErrorCode
from domain.tasks import OPEN
from domain.validation import require_reason
from services import audit_log
from services.certificates import live_filter
from services.clock import today
from services.registry_admin.common import input_fields, unit_by_code
from services.runner import Work, at_hq, command
from services.versioning import save_versioned
from store.models import Certificate, Factory, SurveillanceTask
from store.units import load_jurisdiction, unit_ids_by_code, units_by_id

KIND = "factory"


@command(authorize=at_hq("create", KIND))
async def create_factory(
    work: Work,
    *,
    code: str,
    name: str,
    address: str,
    country: str,
    province: str | None,
    classification: FactoryClass,
    enterprise_unit_code: str | None,
    reason: str | None,
) -> Factory:
    why = require_reason(reason)
    jurisdiction = await load_jurisdiction(work.user.config.north_china)
    with input_fields():
        new = registry.new_factory(
            code=code,
            name=name,
            address=address,
            country=country,
            province=province,
            classification=classification,
            jurisdiction=jurisdiction,
        )
    twin = await Factory.filter(code__iexact=new.code).first()  # E001 and e001 name one factory
    if twin is not None:
        raise DomainError(ErrorCode.CONFLICT, "a factory {code!r} exists already", ("code",), code=twin.code)
    enterprise = None
    if enterprise_unit_code is not None:
        enterprise = await unit_by_code(enterprise_unit_code, "enterpriseUnitCode")
        if enterprise.kind != UnitKind.ENTERPRISE:
            raise DomainError(
                ErrorCode.INVALID,
                "{code} is not an enterprise (生产企业)",
                ("enterpriseUnitCode",),
                code=enterprise.code,
            )
    responsible = jurisdiction.responsible_unit(new.country, new.province)
    agency = jurisdiction.serving_agency(new.country)
    ids = await unit_ids_by_code([c for c in (responsible, agency) if c])
    try:
        factory = await Factory.create(
            code=new.code,
            name=new.name,
            address=new.address,
            country=new.country,
            province=new.province,
            classification=new.classification,
            status=FactoryStatus.ACTIVE,
            responsible_unit_id=ids[responsible],
            agency_unit_id=ids.get(agency) if agency else None,
            enterprise_unit_id=enterprise.id if enterprise else None,
        )
    except IntegrityError:  # created concurrently
        raise DomainError(ErrorCode.CONFLICT, "a factory {code!r} exists already", ("code",), code=new.code) from None
    await audit_log.record(
        AuditAction.FACTORY_CREATE,
        "Factory",
        factory.id,
        after={
            "code": new.code,
            "name": new.name,
            "address": new.address,
            "country": new.country,
            "province": new.province,
            "classification": new.classification.value,
            "responsibleUnit": responsible,
            "agency": agency,
            "enterprise": enterprise.code if enterprise else None,
        },
        reason=why,
    )
    return factory


@command(gate="Factory", action="close")
async def close_factory(work: Work, *, factory_id: int, expected_version: int, reason: str | None) -> Factory:
    why = require_reason(reason)
    factory: Factory = work.target
    open_tasks = await SurveillanceTask.filter(factory_id=factory.id, status__in=list(OPEN)).count()
    live = await Certificate.filter(live_filter(today()), factory_id=factory.id).count()
    factory_admin.check_close(await standing(factory), open_tasks, live)
    return await _set_status(factory, FactoryStatus.CLOSED, AuditAction.FACTORY_CLOSE, why)


@command(gate="Factory", action="reopen")
async def reopen_factory(work: Work, *, factory_id: int, expected_version: int, reason: str | None) -> Factory:
    why = require_reason(reason)
    factory: Factory = work.target
    factory_admin.check_reopen(await standing(factory))
    return await _set_status(factory, FactoryStatus.ACTIVE, AuditAction.FACTORY_REOPEN, why)


async def _set_status(factory: Factory, status: FactoryStatus, action: AuditAction, why: str) -> Factory:
    before = FactoryStatus(factory.status)
    await save_versioned(factory, "factory", status=status)
    await audit_log.record(
        action, "Factory", factory.id, before={"status": before.value}, after={"status": status.value}, reason=why
    )
    return factory


async def standing(factory: Factory) -> factory_admin.Standing:
    units = await units_by_id(
        [i for i in (factory.responsible_unit_id, factory.agency_unit_id, factory.enterprise_unit_id) if i]
    )

    def code(unit_id: int | None) -> str | None:
        return units[unit_id].code if unit_id else None

    return factory_admin.Standing(
        code=factory.code,
        status=FactoryStatus(factory.status),
        responsible_unit=units[factory.responsible_unit_id].code,
        agency_unit=code(factory.agency_unit_id),
        enterprise_unit=code(factory.enterprise_unit_id),
    )
