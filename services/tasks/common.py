"""What every task command shares: loading a task the caller may act on, its domains,
optimistic concurrency, and the audited status move."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus, check_transition
from services import audit_log, versioning
from services.context import Session
from store import units
from store.models import SurveillanceTask

KIND = "task"
INTERNAL = "task.internal"
TASK_DOMAIN_COLUMNS = ("responsible_unit_id", "executing_unit_id", "enterprise_unit_id")


async def domain_codes(task: SurveillanceTask) -> list[str]:
    return await units.domain_codes(task, TASK_DOMAIN_COLUMNS)


async def load_for(session: Session, task_id: int, action: str) -> tuple[SurveillanceTask, list[str]]:
    """A task the caller may do `action` on. One they may not even read looks missing."""
    task = await SurveillanceTask.filter(id=task_id).first()
    codes = await domain_codes(task) if task else []
    if task is None or not session.perms.decide("read", KIND, codes).allowed:
        raise DomainError(ErrorCode.NOT_FOUND, "no such task", ("taskId",))
    session.perms.require(action, KIND, codes)
    return task, codes


def check_version(task: SurveillanceTask, expected: int) -> None:
    versioning.check_version(task, expected, "task")


async def save(task: SurveillanceTask, **updates) -> None:
    """Write `updates` only if nobody changed the task since it was read."""
    await versioning.save_versioned(task, "task", **updates)


async def move(
    session: Session, task: SurveillanceTask, target: TaskStatus, action: str, reason: str | None, **updates
) -> None:
    """Apply one status move (checked by the domain's table) and audit it."""
    before = TaskStatus(task.status)
    check_transition(before, target)
    await save(task, status=target, **updates)
    await audit_log.record(
        session.actor, action, "SurveillanceTask", task.id,
        before={"status": before.value}, after={"status": target.value, **_plain(updates)}, reason=reason,
    )  # fmt: skip


def _plain(values: dict) -> dict:
    """Audit-friendly values; internal row ids (``*_id``) are left out, timelines are shown."""
    out = {}
    for key, value in values.items():
        if key.endswith("_id"):
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        out[key] = value
    return out
