"""Open purchase work ends with its task: a cancelled, rescheduled or converted task takes
no purchase, so its open assignment is withdrawn (the buyer's app stops listing it)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.purchases import AssignmentStatus
from services import audit_log
from services.purchases.access import bump
from store.models import PurchaseAssignment


async def close(
    assignment: PurchaseAssignment,
    status: AssignmentStatus,
    action: AuditAction,
    why: str | None,
    **facts,
) -> None:
    """End open purchase work (withdrawn, completed, or stopped by a problem) if nobody changed
    it since it was read, and audit the move; `facts` add to what the record says."""
    await bump(assignment, status=status, closed_at=datetime.now(UTC), close_reason=why)
    await audit_log.record(
        action,
        "PurchaseAssignment",
        assignment.id,
        before={"status": AssignmentStatus.ASSIGNED.value},
        after={"status": status.value, **facts},
        reason=why,
    )


async def withdraw_open_work(task_id: int, why: str) -> None:
    for assignment in await PurchaseAssignment.filter(task_id=task_id, status=AssignmentStatus.ASSIGNED):
        await close(assignment, AssignmentStatus.WITHDRAWN, AuditAction.PURCHASE_WITHDRAW, why)
