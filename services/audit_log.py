"""Recording who did what, when and why — inside the current command's unit of work.

Only a command run by `services/runner.py` may record: the record counts towards the rule that
a command changing something leaves at least one (`services/work.py`)."""

from __future__ import annotations

from domain.audit_events import AuditAction
from services import work
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
    return entry
