"""Issue, start, cancel, split and delegate a task; relocation brings its sampling (§4.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain import frequency
from domain.audit_events import AuditAction
from domain.certificate import effective_status
from domain.enums import CertificateStatus, UnitKind
from domain.errors import DomainError, ErrorCode
from domain.jurisdiction import CHINA
from domain.tasks import (
    OPEN,
    TaskKind,
    TaskStatus,
    check_delegation,
    check_kind_rules,
    is_split_container,
    told_at_issue,
)
from domain.validation import clean_text, require_reason
from services import audit_log
from services.checklists.drawing import draw_checklist, task_items, withdraw_container_checklist
from services.clock import today
from services.context import Session
from services.errors import Forbidden
from services.gate_conditions import on_team
from services.notices import task_notices
from services.purchases.closing import withdraw_open_work
from services.runner import Work, command
from services.tasks.common import KIND, move, save, telling
from services.tasks.labs import labs_to_disclose
from services.tasks.numbers import new_number
from services.tasks.planning import check_window
from services.tasks.relocation import needs_its_sampling
from store.models import Certificate, Factory, OrgUnit, SurveillanceTask, TaskCertificate

SPLITTABLE = (TaskStatus.DRAFT, TaskStatus.ISSUED)
HQ = "hq"


@command(gate="Task", action="issue")
async def issue_task(work: Work, *, task_id: int, expected_version: int) -> SurveillanceTask:
    task = work.target
    if task.planned_start is None:
        raise DomainError(ErrorCode.REQUIRED, "set the planned window before issuing", ("plannedStart",))
    factory = await Factory.get(id=task.factory_id)
    updates = {}
    if told_at_issue(task.kind, task.unannounced, task.sampling_method):  # the enterprise is told now (notice)
        updates = telling(factory)
    if task.kind == TaskKind.RELOCATION:
        updates["risk_notice"] = frequency.RELOCATION_RISK_NOTICE
    if labs := await labs_to_disclose(task):
        updates["disclosed_labs"] = labs
    await move(task, TaskStatus.ISSUED, AuditAction.TASK_ISSUE, None, **updates)
    await draw_checklist(task)  # issued for the first time: a draft is issued only once
    if task.kind == TaskKind.RELOCATION and await needs_its_sampling(task, factory):
        await _child(task, TaskKind.SAMPLING, None, "sampling issued with the relocation inspection (§4.6)")
    await task_notices.issued(task, factory)
    return task


async def refuse_if_split(task: SurveillanceTask) -> None:
    """A split task is a container: its sub-tasks are staffed and executed, not it. (A
    relocation inspection with its sampling issued alongside is no container: the
    inspection is still done on the task itself, the sampling on its own sub-task.)"""
    children = await SurveillanceTask.filter(parent_id=task.id).values_list("kind", flat=True)
    if is_split_container(task.kind, set(children)):
        raise DomainError(ErrorCode.CONFLICT, "this task is split: act on its sub-tasks", ("taskId",))


async def require_team_member(session: Session, task: SurveillanceTask) -> None:
    if why := await on_team(session, task):
        raise Forbidden(why)


@command(gate="Task", action="start")  # the gate checks the caller is on the team
async def start_task(work: Work, *, task_id: int, expected_version: int) -> SurveillanceTask:
    task = work.target
    await refuse_if_split(task)
    updates = {"started_at": datetime.now(UTC)}
    # The team is at the gate: now the enterprise may know of a task it was not told of
    # (unannounced, or a sampling task whose method was not set when it was issued).
    untold = task.enterprise_unit_id is None
    if untold:
        factory = await Factory.get(id=task.factory_id)
        updates["enterprise_unit_id"] = factory.enterprise_unit_id
    await move(task, TaskStatus.IN_PROGRESS, AuditAction.TASK_START, None, **updates)
    if untold:
        await task_notices.started(task)
    return task


@command(gate="Task", action="cancel")
async def cancel_task(work: Work, *, task_id: int, expected_version: int, reason: str | None) -> SurveillanceTask:
    why = require_reason(reason)
    task = work.target
    await withdraw_open_work(task.id, why)
    await move(task, TaskStatus.CANCELLED, AuditAction.TASK_CANCEL, why)
    await task_notices.cancelled(task, why)
    for child in await SurveillanceTask.filter(parent_id=task.id, status__in=list(OPEN)):
        await withdraw_open_work(child.id, f"parent cancelled: {why}")
        await move(child, TaskStatus.CANCELLED, AuditAction.TASK_CANCEL, f"parent cancelled: {why}")
        await task_notices.cancelled(child, f"parent cancelled: {why}")  # its team (and agency) hear
    return task


@dataclass(frozen=True)
class Part:
    kind: TaskKind
    certificate_ids: list[int] | None  # None: all of the parent's
    requirements: str | None


@command(gate="Task", action="split")
async def split_task(work: Work, *, task_id: int, expected_version: int, parts: list[Part], reason: str | None):
    """拆分: sub-tasks (e.g. the inspection part and the sampling part) under the parent."""
    why = require_reason(reason)
    if not 2 <= len(parts) <= 20:
        raise DomainError(ErrorCode.INVALID, "split into 2 to 20 parts", ("parts",))
    task = work.target
    if task.status not in SPLITTABLE or task.parent_id is not None:
        raise DomainError(ErrorCode.CONFLICT, "only a draft or issued top-level task can be split", ("taskId",))
    if await SurveillanceTask.filter(parent_id=task.id).exists():
        raise DomainError(ErrorCode.CONFLICT, "this task is split already", ("taskId",))
    mine = set(await TaskCertificate.filter(task_id=task.id).values_list("certificate_id", flat=True))
    carried = await task_items(task)  # the planner's items follow to the inspected sub-tasks
    children = []
    for i, part in enumerate(parts):
        wanted = set(part.certificate_ids) if part.certificate_ids is not None else mine
        if not wanted or not wanted <= mine:
            raise DomainError(ErrorCode.INVALID, "a part covers some of the parent's certificates", ("parts", str(i)))
        statuses = await Certificate.filter(id__in=wanted).values_list("status", "expires_on")
        trigger = task.special_trigger if part.kind == TaskKind.SPECIAL else None
        try:
            check_kind_rules(
                part.kind, [effective_status(CertificateStatus(s), e, today()) for s, e in statuses], trigger
            )
        except DomainError as exc:
            raise exc.at(("parts", str(i), *exc.field)) from None
        text = clean_text(part.requirements, "requirements", max_length=10000, required=False)
        children.append(await _child(task, part.kind, wanted, why, text, carried))
    await save(task)  # bump the parent's version: its shape changed
    await withdraw_container_checklist(task, why)  # the sub-tasks are inspected, with their own
    await audit_log.record(
        AuditAction.TASK_SPLIT,
        "SurveillanceTask",
        task.id,
        after={"children": [c.id for c in children]},
        reason=why,
    )
    return task, children


async def _child(parent, kind, certificate_ids, why, requirements=None, carried=()) -> SurveillanceTask:
    # An unannounced part is unannounced whatever its parent (as createTask makes it). Told as
    # the parent was only if a task of its kind is told at issue: a sampling part (no method
    # yet, it may still buy) or an unannounced part is told later, like any untold task.
    unannounced = parent.unannounced or kind == TaskKind.ROUTINE_UNANNOUNCED
    told = told_at_issue(kind, unannounced, None)
    child = await SurveillanceTask.create(
        number=await new_number(parent.responsible_unit_id, parent.year),  # no suffix: domain/task_numbers.py
        kind=kind,
        status=parent.status,
        factory_id=parent.factory_id,
        parent_id=parent.id,
        responsible_unit_id=parent.responsible_unit_id,
        executing_unit_id=parent.executing_unit_id,
        enterprise_unit_id=parent.enterprise_unit_id if told else None,
        notified_at=parent.notified_at if told else None,
        year=parent.year,
        planned_start=parent.planned_start,
        planned_end=parent.planned_end,
        due_on=parent.due_on,
        with_sampling=kind == TaskKind.SAMPLING,
        requirements=requirements or parent.requirements,
        risk_notice=parent.risk_notice,
        unannounced=unannounced,
        special_trigger=parent.special_trigger if kind == TaskKind.SPECIAL else None,
    )
    if child.status != TaskStatus.DRAFT and (labs := await labs_to_disclose(child)):
        await SurveillanceTask.filter(id=child.id).update(disclosed_labs=labs)
    if certificate_ids is None:
        certificate_ids = await TaskCertificate.filter(task_id=parent.id).values_list("certificate_id", flat=True)
    await TaskCertificate.bulk_create([TaskCertificate(task_id=child.id, certificate_id=c) for c in certificate_ids])
    if child.status == TaskStatus.ISSUED:  # created issued: its checklist is drawn now (after its certificates)
        await draw_checklist(child, list(carried))
    await audit_log.record(
        AuditAction.TASK_SPLIT,
        "SurveillanceTask",
        child.id,
        after={
            "number": child.number,
            "parent": parent.id,
            "kind": kind.value,
            "status": TaskStatus(parent.status).value,
        },
        reason=why,
    )
    return child


# The policy grants "delegate" to HQ planners only: others get FORBIDDEN from the gate.
@command(gate="Task", action="delegate")
async def delegate_task(
    work: Work, *, task_id: int, expected_version: int, agency_code: str, reason: str | None
) -> SurveillanceTask:
    """HQ hands an overseas factory's task to the foreign agency serving that country."""
    why = require_reason(reason)
    session, task = work.user, work.target
    factory = await Factory.get(id=task.factory_id)
    actor_is_hq = session.perms.decide("delegate", KIND, [HQ]).allowed
    check_delegation(actor_is_hq=actor_is_hq, factory_overseas=factory.country != CHINA)
    agency = await OrgUnit.filter(code=clean_text(agency_code, "agencyCode", max_length=32, single_line=True)).first()
    if agency is None or agency.kind != UnitKind.FOREIGN_AGENCY or factory.country not in agency.countries:
        raise DomainError(ErrorCode.INVALID, "that agency does not serve the factory's country", ("agencyCode",))
    if TaskStatus(task.status) not in SPLITTABLE:
        raise DomainError(ErrorCode.CONFLICT, "delegate before the team is formed", ("taskId",))
    before = task.executing_unit_id
    await save(task, executing_unit_id=agency.id)
    # Sub-tasks go with it, so the agency executes the whole task; each is audited.
    for child in await SurveillanceTask.filter(parent_id=task.id):
        await save(child, executing_unit_id=agency.id)
        await audit_log.record(
            AuditAction.TASK_DELEGATE,
            "SurveillanceTask",
            child.id,
            before={"executingUnit": before},
            after={"executingUnit": agency.code},
            reason=why,
        )
    await audit_log.record(
        AuditAction.TASK_DELEGATE,
        "SurveillanceTask",
        task.id,
        before={"executingUnit": before},
        after={"executingUnit": agency.code},
        reason=why,
    )
    await task_notices.delegated(task, agency)
    return task


@command(gate="Task", action="plan")
async def schedule_task(
    work: Work,
    *,
    task_id: int,
    expected_version: int,
    planned_start: date,
    planned_end: date,
    due_on: date | None,
    requirements: str | None,
) -> SurveillanceTask:
    """Planners adjust a draft (or an issued task not yet staffed): window, due date, and the
    requirements handed to the team."""
    check_window(planned_start, planned_end, due_on)
    text = clean_text(requirements, "requirements", max_length=10000, required=False)
    task = work.target
    if TaskStatus(task.status) not in SPLITTABLE:
        raise DomainError(ErrorCode.CONFLICT, "only a draft or an issued task can be rescheduled here", ("taskId",))
    updates = {"planned_start": planned_start, "planned_end": planned_end}
    if due_on is not None:
        updates["due_on"] = due_on
    if text is not None:
        updates["requirements"] = text
    before = {k: getattr(task, k) for k in updates}
    await save(task, **updates)
    await audit_log.record(
        AuditAction.TASK_SCHEDULE,
        "SurveillanceTask",
        task.id,
        before=_iso(before),
        after=_iso(updates),
        reason=None,
    )
    if "planned_start" in updates and (before["planned_start"], before["planned_end"]) != (planned_start, planned_end):
        await task_notices.rescheduled(task)
    return task


def _iso(values: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
