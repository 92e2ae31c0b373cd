"""Open tasks follow a factory whose information correction moved it (§4.9): the new
responsible unit takes them, and a foreign agency keeps a delegated one only while it still
serves the factory's country. Whoever of the old executing unit was on a task (its team, its
buyer) leaves it; every change is audited on the task with the correction's reason."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.enums import UnitKind
from domain.tasks import OPEN, ExceptionReason, TaskStatus, executing_unit_after_move, status_after_team_left
from services import audit_log
from services.context import Session
from services.notices import task_notices
from services.purchases.closing import withdraw_open_work
from services.tasks.common import move, save
from services.tasks.team import describe_team
from store.models import Factory, SurveillanceTask, TaskException, TeamAssignment
from store.units import units_by_id


async def follow_factory(session: Session, factory: Factory, why: str) -> int:
    """Re-route the factory's open tasks (sub-tasks of a split one included) to where it is
    now; returns how many changed."""
    tasks = await SurveillanceTask.filter(factory_id=factory.id, status__in=list(OPEN)).order_by("id")
    units = await units_by_id(
        [factory.responsible_unit_id, *(t.responsible_unit_id for t in tasks), *(t.executing_unit_id for t in tasks)]
    )
    responsible = units[factory.responsible_unit_id]
    changed = 0
    for task in tasks:
        executing = units[task.executing_unit_id]
        agency_countries = executing.countries if executing.kind == UnitKind.FOREIGN_AGENCY else None
        code = executing_unit_after_move(
            executing=executing.code,
            agency_countries=agency_countries,
            country=factory.country,
            responsible=responsible.code,
        )
        new_executing = executing if code == executing.code else responsible
        if (task.responsible_unit_id, task.executing_unit_id) == (responsible.id, new_executing.id):
            continue
        changed += 1
        before = {"responsibleUnit": units[task.responsible_unit_id].code, "executingUnit": executing.code}
        await save(task, responsible_unit_id=responsible.id, executing_unit_id=new_executing.id)
        await audit_log.record(
            AuditAction.TASK_REROUTE,
            "SurveillanceTask",
            task.id,
            before=before,
            after={"responsibleUnit": responsible.code, "executingUnit": new_executing.code},
            reason=why,
        )
        if new_executing.id != executing.id:
            await _old_unit_leaves(session, task, why)
            if executing.kind == UnitKind.FOREIGN_AGENCY:
                await task_notices.withdrawn(task, executing.code, why)
    return changed


async def _old_unit_leaves(session: Session, task: SurveillanceTask, why: str) -> None:
    """The old executing unit's people leave the task (the team history keeps them, with the
    reason); a task that was staffed or under way becomes an exception for its new unit."""
    await withdraw_open_work(task.id, why)
    current = await TeamAssignment.filter(task_id=task.id, removed_at__isnull=True)
    if current:
        await TeamAssignment.filter(id__in=[a.id for a in current]).update(removed_at=datetime.now(UTC), reason=why)
        await audit_log.record(
            AuditAction.TASK_TEAM_CHANGE,
            "SurveillanceTask",
            task.id,
            before=await describe_team(current),
            after={"leader": None, "members": []},
            reason=why,
        )
    status = TaskStatus(task.status)
    if (target := status_after_team_left(status)) != status:
        await move(task, target, AuditAction.TASK_EXCEPTION, why)
        await TaskException.create(
            task_id=task.id,
            reason=ExceptionReason.FACTORY_MOVED,
            details=why,
            reported_by_id=session.actor.user_id,
            reported_at=datetime.now(UTC),
        )
        await task_notices.exception(task, ExceptionReason.FACTORY_MOVED, why)
