"""A task that cannot be executed or completed as planned (§4.3): reported by the executing
side with a reason, handled by the responsible unit (or HQ)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.tasks import (
    ExceptionHandling,
    ExceptionReason,
    SpecialTrigger,
    TaskKind,
    TaskStatus,
    kept_until_start,
    refusal_is_suspension_ground,
)
from domain.validation import clean_text, require_reason
from services import audit_log
from services.context import Session
from services.errors import Forbidden
from services.notices import task_notices
from services.purchases.closing import withdraw_open_work
from services.runner import Work, command
from services.tasks.common import KIND, move, save, telling
from services.tasks.planning import check_window
from store.models import Factory, SurveillanceTask, TaskException, TeamAssignment

REFUSED_UNANNOUNCED = "REFUSED_UNANNOUNCED_INSPECTION"
HQ = "hq"


@command(gate="Task", action="report_exception")  # the gate checks the executing side
async def report_exception(
    work: Work, *, task_id: int, expected_version: int, reason: ExceptionReason, details: str | None
) -> SurveillanceTask:
    text = clean_text(details, "details", max_length=5000)
    session, task = work.user, work.target
    updates = {}
    if refusal_is_suspension_ground(TaskKind(task.kind), reason):
        updates["suspension_ground"] = REFUSED_UNANNOUNCED
    await move(task, TaskStatus.EXCEPTION, AuditAction.TASK_EXCEPTION, text, **updates)
    await TaskException.create(
        task_id=task.id,
        reason=reason,
        details=text,
        reported_by_id=session.actor.user_id,
        reported_at=datetime.now(UTC),
    )
    await task_notices.exception(task, reason, text)
    return task


@command(gate="Task", action="handle_exception")
async def handle_exception(
    work: Work,
    *,
    task_id: int,
    expected_version: int,
    handling: ExceptionHandling,
    note: str | None,
    new_start: date | None = None,
    new_end: date | None = None,
) -> SurveillanceTask:
    why = require_reason(note)
    session, task = work.user, work.target
    if TaskStatus(task.status) != TaskStatus.EXCEPTION:
        raise DomainError(ErrorCode.CONFLICT, "the task has no open exception", ("taskId",))
    if task.escalated and not session.perms.decide("handle_exception", KIND, [HQ]).allowed:
        raise Forbidden("this exception was escalated: HQ handles it")
    back_to_issued = _hidden_again(task)
    open_exception = await TaskException.filter(task_id=task.id, handled_at__isnull=True).order_by("-id").first()
    if handling == ExceptionHandling.RESCHEDULE:
        if new_start is None or new_end is None:
            raise DomainError(ErrorCode.REQUIRED, "rescheduling needs the new window", ("plannedStart",))
        check_window(new_start, new_end)
        await _end_team(session, task, why)
        await move(
            task,
            TaskStatus.ISSUED,
            AuditAction.TASK_RESCHEDULE,
            why,
            planned_start=new_start,
            planned_end=new_end,
            escalated=False,
            **back_to_issued,
        )
        await task_notices.rescheduled(task)
    elif handling == ExceptionHandling.CONVERT_TO_SPECIAL:
        await _end_team(session, task, why)
        # A special inspection buys nothing: what a purchase hid is given back, and a task the
        # planner did not make unannounced is told now, as its issue would have told it.
        tell = task.purchase_secret and not task.unannounced and task.enterprise_unit_id is None
        factory = await Factory.get(id=task.factory_id) if tell else None
        back_to_issued = {"purchase_secret": False, **_hidden_again(task, False), **(telling(factory) if tell else {})}
        await move(
            task,
            TaskStatus.ISSUED,
            AuditAction.TASK_CONVERT_TO_SPECIAL,
            why,
            kind=TaskKind.SPECIAL,
            special_trigger=SpecialTrigger.OTHER,
            trigger_details=why,
            escalated=False,
            **back_to_issued,
        )
        if tell:
            await task_notices.issued(task, factory)
        else:
            await task_notices.rescheduled(task)  # the kind changed: a notified enterprise is told
    elif handling == ExceptionHandling.CANCEL:
        await withdraw_open_work(task.id, why)
        await move(task, TaskStatus.CANCELLED, AuditAction.TASK_CANCEL, why, escalated=False)
        await task_notices.cancelled(task, why)
    else:  # ESCALATE: stays an exception, now for HQ only to handle
        await save(task, escalated=True)
        await audit_log.record(
            AuditAction.TASK_ESCALATE,
            "SurveillanceTask",
            task.id,
            after={"escalated": True},
            reason=why,
        )
        await task_notices.escalated(task, why)
    if open_exception is not None:
        await TaskException.filter(id=open_exception.id).update(
            handling=handling,
            handling_note=why,
            handled_by_id=session.actor.user_id,
            handled_at=None if handling == ExceptionHandling.ESCALATE else datetime.now(UTC),
        )
    return task


def _hidden_again(task: SurveillanceTask, purchase_secret: bool | None = None) -> dict:
    """An unannounced (or bought, 买样) task going back to 'issued' leaves the enterprise's view
    until the team starts it again: the new window must not be announced."""
    secret = task.purchase_secret if purchase_secret is None else purchase_secret
    hidden = kept_until_start(task.unannounced, secret)
    return {"enterprise_unit_id": None, "notified_at": None, "started_at": None} if hidden else {}


async def _end_team(session: Session, task: SurveillanceTask, why: str) -> None:
    """A new window or a new kind needs the team (and any buyer) assigned again."""
    await withdraw_open_work(task.id, why)
    await TeamAssignment.filter(task_id=task.id, removed_at__isnull=True).update(
        removed_at=datetime.now(UTC), reason=why
    )
