"""Recording who did what, when and why — inside the current command's unit of work.

Only a command run by `services/runner.py` may record: the record counts towards the rule that
a command changing something leaves at least one (`services/work.py`)."""

from __future__ import annotations

from domain.audit_events import AuditAction
from services import live, work
from store import audit


async def record(
    action: AuditAction,
    object_type: str,
    object_id: int | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
):
    current = work.current()
    actor = current.actor
    entry = await audit.append(
        actor_id=actor.user_id or None,
        actor=actor.login,
        unit=actor.unit_code,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        reason=reason,
        request_id=actor.request_id,
    )
    current.recorded += 1
    live.task_changed(current.announced, live.task_of(object_type, object_id, current.target))
    return entry


async def record_many(records: list[dict]) -> int:
    """Record many events of the current command at once (a bulk import): each a dict of
    `action` (an AuditAction), `object_type`, `object_id`, and optionally `before`, `after`,
    `reason`. Appended in batches, chained as one by one; counts towards the command's records."""
    current = work.current()
    actor = current.actor
    for item in records:
        item["action"] = AuditAction(item["action"]).value  # a listed name, or refused here
    written = await audit.append_many(
        records, actor_id=actor.user_id or None, actor=actor.login, unit=actor.unit_code, request_id=actor.request_id
    )
    current.recorded += written
    for item in records:
        live.task_changed(current.announced, live.task_of(item["object_type"], item["object_id"], current.target))
    return written
