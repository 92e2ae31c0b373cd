"""Inspection person-days (人日数, form 0402.11): planned by the planner, the actual days of
each inspector accounted by the team leader."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus
from services import audit_log
from services.archive.forms import refuse_if_archived
from services.errors import Forbidden
from services.gate_conditions import leads_team
from services.runner import Work, command
from services.tasks.common import save
from store.models import PersonDayEntry, SurveillanceTask, TeamAssignment, User

ACCOUNTABLE = (
    TaskStatus.IN_PROGRESS,
    TaskStatus.RESULTS_SUBMITTED,
    TaskStatus.RETURNED,
    TaskStatus.REVIEWED,
    TaskStatus.DECIDED,
)


def _check_days(days: float, field: tuple[str, ...]) -> None:
    if not 0 < days <= 365 or round(days * 2) != days * 2:
        raise DomainError(ErrorCode.INVALID, "person-days are counted in half days, up to 365", field)


@command(gate="Task", action="plan")
async def set_planned(work: Work, *, task_id: int, expected_version: int, days: float) -> SurveillanceTask:
    _check_days(days, ("plannedPersonDays",))
    task = work.target
    refuse_if_archived(task)
    before = task.planned_person_days
    await save(task, planned_person_days=days)
    await audit_log.record(
        AuditAction.TASK_PLANNED_PERSON_DAYS,
        "SurveillanceTask",
        task.id,
        before={"plannedPersonDays": before},
        after={"plannedPersonDays": days},
    )
    return task


# The gate lets only the team leader submit results (or, for a task that buys its samples and
# has no team, its planner); person-days are accounted by the team leader alone.
@command(gate="Task", action="submit_results")
async def record_actual(
    work: Work, *, task_id: int, expected_version: int, entries: list[tuple[str, float]]
) -> SurveillanceTask:
    if not entries or len(entries) > 20:
        raise DomainError(ErrorCode.INVALID, "account 1 to 20 inspectors", ("entries",))
    for i, (_, days) in enumerate(entries):
        _check_days(days, ("entries", str(i), "days"))
    session, task = work.user, work.target
    if why := await leads_team(session, task):
        raise Forbidden(why)
    if TaskStatus(task.status) not in ACCOUNTABLE:
        raise DomainError(ErrorCode.CONFLICT, "person-days are accounted once the inspection started", ("taskId",))
    members = {
        u.login: u.id
        for u in await User.filter(
            id__in=await TeamAssignment.filter(task_id=task.id).values_list("user_id", flat=True)
        )
    }
    now = datetime.now(UTC)
    for i, (login, days) in enumerate(entries):
        if login not in members:
            raise DomainError(
                ErrorCode.INVALID, "{login} was not on the team", ("entries", str(i), "login"), login=login
            )
        updated = await PersonDayEntry.filter(task_id=task.id, user_id=members[login]).update(
            days=days, recorded_by_id=session.actor.user_id, recorded_at=now
        )
        if not updated:
            await PersonDayEntry.create(
                task_id=task.id,
                user_id=members[login],
                days=days,
                recorded_by_id=session.actor.user_id,
                recorded_at=now,
            )
    await save(task)
    await audit_log.record(AuditAction.TASK_PERSON_DAYS, "SurveillanceTask", task.id, after={"entries": dict(entries)})
    return task


async def person_days_of(task_ids: list[int]) -> dict[int, list[tuple[str, float]]]:
    grouped: dict[int, list] = defaultdict(list)
    for task_id, login, days in (
        await PersonDayEntry.filter(task_id__in=task_ids).order_by("id").values_list("task_id", "user__login", "days")
    ):
        grouped[task_id].append((login, days))
    return grouped
