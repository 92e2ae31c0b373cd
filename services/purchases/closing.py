"""Open purchase work ends with its task: a cancelled, rescheduled or converted task takes
no purchase, so its open assignment is withdrawn (the buyer's app stops listing it)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.purchases import AssignmentStatus
from services import audit_log
from store.models import PurchaseAssignment


async def withdraw_open_work(task_id: int, why: str) -> None:
    for assignment in await PurchaseAssignment.filter(task_id=task_id, status=AssignmentStatus.ASSIGNED):
        await PurchaseAssignment.filter(id=assignment.id).update(
            status=AssignmentStatus.WITHDRAWN,
            closed_at=datetime.now(UTC),
            close_reason=why,
            version=assignment.version + 1,
        )
        await audit_log.record(
            AuditAction.PURCHASE_WITHDRAW,
            "PurchaseAssignment",
            assignment.id,
            before={"status": "ASSIGNED"},
            after={"status": "WITHDRAWN"},
            reason=why,
        )
