"""Forming or changing the inspection team (§4.2): qualified people of the executing unit,
one leader, nobody on two overlapping tasks, every change kept with its reason."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.enums import Role, UnitKind
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus
from domain.validation import clean_text, require_reason
from services import audit_log
from services.context import Session
from services.notices import task_notices
from services.runner import Work, command
from services.tasks.common import move, save
from services.tasks.lifecycle import refuse_if_split
from store.models import OrgUnit, SurveillanceTask, TeamAssignment, User

BUSY = (TaskStatus.ISSUED, TaskStatus.TEAM_ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.EXCEPTION)


@command(gate="Task", action="assign_team")
async def assign_team(
    work: Work, *, task_id: int, expected_version: int, leader: str, members: list[str], reason: str | None
) -> SurveillanceTask:
    logins = list(dict.fromkeys([leader, *members]))  # the leader is a member; no duplicates
    if len(logins) > 20:
        raise DomainError(ErrorCode.INVALID, "a team has at most 20 people", ("memberLogins",))
    session, task = work.user, work.target
    await refuse_if_split(task)
    status = TaskStatus(task.status)
    if status not in (TaskStatus.ISSUED, TaskStatus.TEAM_ASSIGNED):
        raise DomainError(ErrorCode.CONFLICT, "the team is formed after issue and before the start", ("taskId",))
    changing = status == TaskStatus.TEAM_ASSIGNED
    why = require_reason(reason) if changing else clean_text(reason, "reason", max_length=1000, required=False)
    if task.planned_start is None:
        raise DomainError(ErrorCode.REQUIRED, "the task needs a planned window", ("taskId",))
    users = await _qualified(session, task, logins)
    await _check_free(task, users)
    current = {a.user_id: a for a in await TeamAssignment.filter(task_id=task.id, removed_at__isnull=True)}
    before = await describe_team(current.values())
    after = {"leader": leader, "members": sorted(logins)}
    if before == after:
        raise DomainError(ErrorCode.NO_CHANGE, "that is the team already", ("memberLogins",))
    now = datetime.now(UTC)
    wanted = {u.id: u.login == leader for u in users}
    for user_id, assignment in current.items():
        if wanted.get(user_id) != assignment.is_leader:  # removed, or leader role changed
            await TeamAssignment.filter(id=assignment.id).update(removed_at=now, reason=why)
    for user_id, is_leader in wanted.items():
        if user_id not in current or current[user_id].is_leader != is_leader:
            await TeamAssignment.create(
                task_id=task.id, user_id=user_id, is_leader=is_leader, assigned_at=now, reason=why
            )
    if changing:
        await save(task)
        await audit_log.record(
            AuditAction.TASK_TEAM_CHANGE,
            "SurveillanceTask",
            task.id,
            before=before,
            after=after,
            reason=why,
        )
    else:
        await move(task, TaskStatus.TEAM_ASSIGNED, AuditAction.TASK_TEAM_ASSIGN, why)
        await audit_log.record(AuditAction.TASK_TEAM_FORMED, "SurveillanceTask", task.id, after=after, reason=why)
    removed = [u for u, a in current.items() if u not in wanted]
    leader_name = next(u.display_name for u in users if u.login == leader)
    await task_notices.team_changed(task, wanted, removed, leader_name)
    return task


async def _qualified(session: Session, task: SurveillanceTask, logins: list[str]) -> list[User]:
    """Inspectors of the executing unit (agency inspectors for a delegated task)."""
    unit = await OrgUnit.get(id=task.executing_unit_id)
    role = Role.AGENCY_INSPECTOR if unit.kind == UnitKind.FOREIGN_AGENCY else Role.INSPECTOR
    users = {
        u.login: u
        for u in await User.filter(
            login__in=[clean_text(x, "login", max_length=64, single_line=True) for x in logins], active=True
        )
    }
    for i, login in enumerate(logins):
        user = users.get(login)
        held = session.perms.authorizer.roles_of(user.id) if user else []
        if user is None or (role.value, f"unit:{unit.code}") not in held:
            raise DomainError(
                ErrorCode.INVALID,
                "{login} is not a qualified {role} of {code}",
                ("memberLogins", str(i)),
                login=login,
                role=role.value,
                code=unit.code,
            )
    return [users[x] for x in logins]


async def _check_free(task: SurveillanceTask, users: list[User]) -> None:
    clash = (
        await TeamAssignment.filter(
            user_id__in=[u.id for u in users],
            removed_at__isnull=True,
            task__status__in=list(BUSY),
            task__planned_start__lte=task.planned_end,
            task__planned_end__gte=task.planned_start,
        )
        .exclude(task_id=task.id)
        .values_list("user__login", "task_id")
    )
    if clash:
        login, other = clash[0]
        raise DomainError(
            ErrorCode.CONFLICT,
            "{login} is on the team of task {other} in an overlapping window",
            ("memberLogins",),
            login=login,
            other=other,
        )


async def describe_team(assignments) -> dict:
    assignments = list(assignments)
    logins = dict(await User.filter(id__in=[a.user_id for a in assignments]).values_list("id", "login"))
    leader = next((logins[a.user_id] for a in assignments if a.is_leader), None)
    return {"leader": leader, "members": sorted(logins.values())}
