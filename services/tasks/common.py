"""What every task command shares: loading a task the caller may act on, its domains,
optimistic concurrency, and the audited status move."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.tasks import TaskStatus, check_transition
from services import audit_log, versioning
from services.context import Session
from services.gates import GATES, TASK_COLUMNS
from store import units
from store.models import Factory, SurveillanceTask

KIND = "task"
INTERNAL = "task.internal"
TASK_DOMAIN_COLUMNS = TASK_COLUMNS


async def domain_codes(task: SurveillanceTask) -> list[str]:
    return await units.domain_codes(task, TASK_DOMAIN_COLUMNS)


async def load_for(session: Session, task_id: int, action: str) -> tuple[SurveillanceTask, list[str]]:
    """A task the caller may do `action` on. One they may not even read looks missing."""
    return await GATES["Task"].open_for(session, task_id, action)


def telling(factory: Factory) -> dict:
    """The task's updates that tell its enterprise of it (预先通知): it sees the task from now."""
    return {"enterprise_unit_id": factory.enterprise_unit_id, "notified_at": datetime.now(UTC)}


def check_version(task: SurveillanceTask, expected: int) -> None:
    versioning.check_version(task, expected, "task")


async def save(task: SurveillanceTask, **updates) -> None:
    """Write `updates` only if nobody changed the task since it was read."""
    await versioning.save_versioned(task, "task", **updates)


async def move(task: SurveillanceTask, target: TaskStatus, action: AuditAction, reason: str | None, **updates) -> None:
    """Apply one status move (checked by the domain's table) and audit it."""
    before = TaskStatus(task.status)
    check_transition(before, target)
    await save(task, status=target, **updates)
    await audit_log.record(
        action,
        "SurveillanceTask",
        task.id,
        before={"status": before.value},
        after={"status": target.value, **_plain(updates)},
        reason=reason,
    )


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
