"""Recording who did what, when and why — called inside each command's transaction."""

from __future__ import annotations

from domain.audit_events import AuditAction
from services.context import Actor
from store import audit


async def record(
    actor: Actor,
    action: AuditAction,
    object_type: str,
    object_id: int | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
):
    return await audit.append(
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
