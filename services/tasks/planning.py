"""Yearly plan generation (§5.1) and creating a single task by hand."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.expressions import Q

from domain import frequency
from domain.audit_events import AuditAction
from domain.certificate import LIVE, effective_status
from domain.enums import CertificateStatus, FactoryClass, FactoryStatus
from domain.errors import DomainError, ErrorCode
from domain.tasks import ROUTINE, SpecialTrigger, TaskKind, TaskStatus, check_kind_rules
from domain.validation import clean_text
from services import audit_log
from services.clock import today
from services.context import Session
from services.org_units import visible_units
from services.reference import frequency_rules
from services.runner import Work, command
from services.tasks.common import KIND
from services.tasks.numbers import new_number, new_numbers
from store.models import Certificate, Factory, OrgUnit, SurveillanceTask, TaskCertificate

LIVE_CERTIFICATES = LIVE
RISK_TRIGGERS = (SpecialTrigger.SPOT_CHECK_FAILURE, SpecialTrigger.COMPLAINT)


async def _planning_unit(session: Session, unit_code: str) -> OrgUnit:
    """A unit the caller may see (an enterprise they may not see is not found)."""
    code = clean_text(unit_code, "unitCode", max_length=32, single_line=True)
    unit = await (await visible_units(session)).filter(code=code).first()
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such unit", ("unitCode",))
    return unit


async def _plans_for_unit(session: Session, arguments: dict) -> None:
    session.perms.require("plan", KIND, [(await _planning_unit(session, arguments["unit_code"])).code])


@command(authorize=_plans_for_unit)
async def generate_plan(work: Work, *, unit_code: str, year: int) -> list[SurveillanceTask]:
    """Draft routine tasks for every factory of the unit due in `year`; a rerun adds only
    what is missing (the (factory, year, sequence) key is also unique in the database)."""
    if not 2000 <= year <= 2100:
        raise DomainError(ErrorCode.INVALID, "year must be between 2000 and 2100", ("year",))
    unit = await _planning_unit(work.user, unit_code)
    facts = await _planning_facts(unit.id, year)
    # By factory, not by unit: a factory that moved keeps its earlier plan entries.
    existing = set(
        await SurveillanceTask.filter(factory_id__in=list(facts), year=year, plan_sequence__isnull=False).values_list(
            "factory_id", "year", "plan_sequence"
        )
    )
    created = []
    drafts = list(frequency.plan_year(year, facts.values(), existing, rules=await frequency_rules()))
    numbers = await new_numbers(unit.id, year, len(drafts)) if drafts else []
    for draft, number in zip(drafts, numbers, strict=True):
        task = await SurveillanceTask.create(
            number=number,
            kind=draft.kind,
            status=TaskStatus.DRAFT,
            factory_id=draft.factory_id,
            responsible_unit_id=unit.id,
            executing_unit_id=unit.id,
            year=year,
            plan_sequence=draft.sequence,
            due_on=draft.due_on,
            with_sampling=draft.with_sampling,
            unannounced=draft.kind == TaskKind.ROUTINE_UNANNOUNCED,
        )
        await _link_live_certificates(task)
        await audit_log.record(
            AuditAction.TASK_PLAN,
            "SurveillanceTask",
            task.id,
            # No class here: the timeline is shown to agencies, which never see it.
            after={"number": number, "kind": draft.kind.value, "dueOn": draft.due_on.isoformat()},
            reason=f"yearly plan {year}",
        )
        created.append(task)
    if not created:
        work.nothing_changed()
    return created


async def _planning_facts(unit_id: int, year: int) -> dict[int, frequency.PlanningFacts]:
    factories = await Factory.filter(responsible_unit_id=unit_id, status=FactoryStatus.ACTIVE).values_list(
        "id", "classification"
    )
    ids = [fid for fid, _ in factories]
    first_issue: dict[int, date] = {}
    initial_end: dict[int, date] = {}
    live = Certificate.filter(_live(year), factory_id__in=ids)
    for fid, issued, inspected in await live.values_list("factory_id", "issued_on", "initial_inspection_end"):
        first_issue[fid] = min(issued, first_issue.get(fid, issued))
        if inspected is not None:
            initial_end[fid] = min(inspected, initial_end.get(fid, inspected))
    last_end: dict[int, date] = {}
    done = SurveillanceTask.filter(factory_id__in=ids, kind__in=list(ROUTINE), status=TaskStatus.RESULTS_SUBMITTED)
    for fid, end, due in await done.values_list("factory_id", "planned_end", "due_on"):
        when = end or due
        last_end[fid] = max(when, last_end.get(fid, when))
    since = date(year - 1, 1, 1)
    risk: dict[int, int] = {}
    # Risk signals: a special inspection after a failed spot check or a verified complaint,
    # and changes at the factory (a relocation inspection), since the start of last year.
    signals = SurveillanceTask.filter(factory_id__in=ids, due_on__gte=since).filter(
        Q(kind=TaskKind.SPECIAL, special_trigger__in=RISK_TRIGGERS) | Q(kind=TaskKind.RELOCATION)
    )
    for (fid,) in await signals.exclude(status=TaskStatus.CANCELLED).values_list("factory_id"):
        risk[fid] = risk.get(fid, 0) + 1
    return {
        fid: frequency.PlanningFacts(
            fid, FactoryClass(klass), risk.get(fid, 0), last_end.get(fid), initial_end.get(fid), first_issue.get(fid)
        )
        for fid, klass in factories
        if fid in first_issue
    }


def _live(year: int) -> Q:
    """Certificates still valid or suspended when the plan year starts (or today, in the current
    year): a factory whose certificates have all expired is no longer planned."""
    return Q(status__in=LIVE, expires_on__gte=max(today(), date(year, 1, 1)))


async def _link_live_certificates(task: SurveillanceTask) -> None:
    ids = await Certificate.filter(_live(task.year), factory_id=task.factory_id).values_list("id", flat=True)
    await TaskCertificate.bulk_create([TaskCertificate(task_id=task.id, certificate_id=i) for i in ids])


async def _plans_at_factory(session: Session, arguments: dict) -> None:
    """Tasks are created by the planners of the factory's responsible unit; a factory the
    caller may not read is not found."""
    factory = await Factory.filter(id=arguments["factory_id"]).select_related("responsible_unit").first()
    if factory is None or not session.perms.decide("read", "factory", [factory.responsible_unit.code]).allowed:
        raise DomainError(ErrorCode.NOT_FOUND, "no such factory", ("factoryId",))
    session.perms.require("plan", KIND, [factory.responsible_unit.code])


@command(authorize=_plans_at_factory)
async def create_task(
    work: Work,
    *,
    factory_id: int,
    kind: TaskKind,
    certificate_ids: list[int],
    due_on: date,
    planned_start: date | None,
    planned_end: date | None,
    trigger: SpecialTrigger | None,
    trigger_details: str | None,
    with_sampling: bool,
    requirements: str | None,
    unannounced: bool = False,
) -> SurveillanceTask:
    factory = await Factory.get(id=factory_id)
    check_window(planned_start, planned_end, due_on)
    certs = await Certificate.filter(id__in=certificate_ids, factory_id=factory.id).values_list(
        "id", "status", "expires_on"
    )
    if len(certs) != len(set(certificate_ids)):
        raise DomainError(ErrorCode.INVALID, "every certificate must belong to the factory", ("certificateIds",))
    check_kind_rules(kind, [effective_status(CertificateStatus(s), end, today()) for _, s, end in certs], trigger)
    if unannounced and kind == TaskKind.ROUTINE_NOTIFIED:
        raise DomainError(ErrorCode.INVALID, "a pre-notified routine task cannot be unannounced", ("unannounced",))
    unannounced = unannounced or kind == TaskKind.ROUTINE_UNANNOUNCED
    details = clean_text(trigger_details, "triggerDetails", max_length=2000, required=False)
    text = clean_text(requirements, "requirements", max_length=10000, required=False) or ""
    task = await SurveillanceTask.create(
        number=await new_number(factory.responsible_unit_id, due_on.year),
        kind=kind,
        status=TaskStatus.DRAFT,
        factory_id=factory.id,
        responsible_unit_id=factory.responsible_unit_id,
        executing_unit_id=factory.responsible_unit_id,
        year=due_on.year,
        due_on=due_on,
        planned_start=planned_start,
        planned_end=planned_end,
        special_trigger=trigger,
        trigger_details=details,
        with_sampling=with_sampling,
        requirements=text,
        unannounced=unannounced,
    )
    await TaskCertificate.bulk_create([TaskCertificate(task_id=task.id, certificate_id=i) for i, *_ in certs])
    await audit_log.record(
        AuditAction.TASK_CREATE,
        "SurveillanceTask",
        task.id,
        after={"number": task.number, "kind": kind.value, "factory": factory.code, "dueOn": due_on.isoformat()},
        reason=details,
    )
    return task


def check_window(start: date | None, end: date | None, due_on: date | None = None) -> None:
    if (start is None) != (end is None):
        raise DomainError(ErrorCode.REQUIRED, "give both ends of the planned window", ("plannedEnd",))
    if start and end and start > end:
        raise DomainError(ErrorCode.INVALID, "the window ends before it starts", ("plannedEnd",))
    if start and end and (end - start) > timedelta(days=366):
        raise DomainError(ErrorCode.INVALID, "a window is at most a year long", ("plannedEnd",))
    for value, field in ((start, "plannedStart"), (end, "plannedEnd"), (due_on, "dueOn")):
        if value and not 2000 <= value.year <= 2100:
            raise DomainError(ErrorCode.INVALID, "dates run from 2000 to 2100", (field,))
