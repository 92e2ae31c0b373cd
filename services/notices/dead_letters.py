"""Dead letters: deliveries whose every attempt failed, read and retried by HQ's
administrators (policy `notice_delivery/manage` at HQ). A retry makes the delivery PENDING
again, due now, with its attempts reset and the same delivery key; audited."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.notice_delivery import DeliveryStatus
from services import audit_log
from services.context import Session
from services.runner import Work, at_hq, command
from store.models import NoticeDelivery

DEAD = DeliveryStatus.DEAD.value


def may_manage(session: Session) -> bool:
    return session.perms.decide("manage", "notice_delivery", ["hq"]).allowed


async def page(session: Session, *, first: int, after_id: int | None, count: bool):
    """(rows with their event, endpoint and person, total, has_next); empty for others."""
    if not may_manage(session):
        return [], 0, False
    dead = NoticeDelivery.filter(status=DEAD)
    total = await dead.count() if count else -1
    window = dead.filter(id__gt=after_id) if after_id is not None else dead
    rows = list(await window.order_by("id").limit(first + 1).select_related("event", "endpoint", "user"))
    return rows[:first], total, len(rows) > first


@command(authorize=at_hq("manage", "notice_delivery"))
async def retry(work: Work, *, delivery_id: int, reason: str | None) -> NoticeDelivery:
    changed = await NoticeDelivery.filter(id=delivery_id, status=DEAD).update(
        status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=datetime.now(UTC)
    )
    if not changed:
        raise DomainError(ErrorCode.NOT_FOUND, "no such dead letter", ("id",))
    delivery = await NoticeDelivery.get(id=delivery_id).select_related("event", "endpoint", "user")
    after = {"key": delivery.delivery_key, "status": DeliveryStatus.PENDING.value}
    await audit_log.record(AuditAction.NOTICE_RETRY, "NoticeDelivery", delivery_id, after=after, reason=reason)
    return delivery
