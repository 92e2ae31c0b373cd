"""Claiming due deliveries and settling them after the send (the worker's bookkeeping).

At least once: a delivery is claimed (its attempt counted, its next attempt pushed one lease
ahead) in one short transaction just before it is sent, sent outside any transaction, then settled — SENT only after
the send returned. A worker that dies between claim and settle leaves it PENDING: once the
lease has passed, a worker sends it again with the same delivery key. On PostgreSQL the claim
takes rows FOR UPDATE SKIP LOCKED, so two workers never claim one delivery at once; SQLite has
one writer.

Claims, successful sends and rescheduled retries declare `nothing_changed()`: they are the
delivery row's own bookkeeping (attempts, next attempt, last error, sent at), which the row
keeps, and one audit record per attempt would bury the trail. So is a delivery DROPPED (nobody
to send to any more: the person or endpoint is no longer there for it; the reason stays in
`last_error`). A delivery turning DEAD — after its last attempt, or at once when it cannot
succeed (a malformed or internal URL) — is audited (`notice.dead`), as is an administrator's
retry."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F, Q, Subquery

from domain.audit_events import AuditAction
from domain.notice_delivery import DeliveryStatus, Failed, backoff_seconds, is_last_attempt, short_error
from domain.notices import Channel
from services import audit_log
from services.notices.config import DeliveryConfig
from services.runner import Work, command
from store.models import NoticeDelivery, User

PENDING = DeliveryStatus.PENDING.value
EMAIL, WEBHOOK = Channel.EMAIL.value, Channel.WEBHOOK.value


@dataclass(frozen=True)
class Busy:
    """Targets with a send in flight (or failed in this pass): skipped by the next claim."""

    endpoints: frozenset[int] = frozenset()
    domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    target: tuple[str, int | str]  # ("endpoint", id) or ("domain", "example.cn"): one send in flight each


@command(system=True, system_login="worker:notices")
async def claim_next(work: Work, *, now: datetime, config: DeliveryConfig, busy: Busy = Busy()) -> Claim | None:
    """The oldest due delivery whose target is not busy, claimed for one lease from `now` (the
    moment it is sent: a claim never waits in a queue); its attempt is counted now (a crash counts)."""
    work.nothing_changed()  # bookkeeping of the delivery rows: see the module's docstring
    due = NoticeDelivery.filter(status=PENDING, next_attempt_at__lte=now)
    if busy.endpoints:
        due = due.exclude(Q(channel=WEBHOOK, endpoint_id__in=list(busy.endpoints)))
    if busy.domains:
        at = Q(*(Q(email__iendswith=f"@{d}") for d in sorted(busy.domains)), join_type=Q.OR)
        due = due.exclude(Q(channel=EMAIL, user_id__in=Subquery(User.filter(at).values("id"))))
    row = await due.order_by("next_attempt_at", "id").limit(1).select_for_update(skip_locked=True).first()
    if row is None:
        return None
    lease = now + timedelta(seconds=config.lease_seconds)
    await NoticeDelivery.filter(id=row.id).update(next_attempt_at=lease, attempts=F("attempts") + 1)
    if row.channel == WEBHOOK:
        return Claim(row.id, ("endpoint", row.endpoint_id or 0))
    email = await User.filter(id=row.user_id).first().values_list("email", flat=True) if row.user_id else None
    return Claim(row.id, ("domain", (email or "").rpartition("@")[2].lower()))


@command(system=True, system_login="worker:notices")
async def settle(work: Work, *, delivery_id: int, failed: Failed | None, now: datetime, config: DeliveryConfig) -> str:
    """After a send: SENT; DROPPED (nobody to send to); DEAD after the last attempt or for a
    send that cannot succeed; else the next attempt after a backoff."""
    delivery = await NoticeDelivery.filter(id=delivery_id, status=PENDING).select_for_update().first()
    if delivery is None:  # settled meanwhile (an administrator, another worker after a lease)
        work.nothing_changed()
        return "GONE"
    if failed is None:
        work.nothing_changed()
        await NoticeDelivery.filter(id=delivery_id).update(status=DeliveryStatus.SENT.value, sent_at=now)
        return DeliveryStatus.SENT.value
    reason = short_error(failed.reason)
    if failed.then == DeliveryStatus.DROPPED:
        work.nothing_changed()
        await NoticeDelivery.filter(id=delivery_id).update(status=DeliveryStatus.DROPPED.value, last_error=reason)
        return DeliveryStatus.DROPPED.value
    if failed.then == DeliveryStatus.DEAD or is_last_attempt(delivery.attempts, config.max_attempts):
        await NoticeDelivery.filter(id=delivery_id).update(status=DeliveryStatus.DEAD.value, last_error=reason)
        after = {"key": delivery.delivery_key, "attempts": delivery.attempts, "error": reason}
        await audit_log.record(AuditAction.NOTICE_DEAD, "NoticeDelivery", delivery_id, after=after)
        return DeliveryStatus.DEAD.value
    work.nothing_changed()
    wait = backoff_seconds(delivery.attempts, config.retry_base_seconds, config.retry_max_seconds, random.random())  # noqa: S311 (jitter)
    await NoticeDelivery.filter(id=delivery_id).update(next_attempt_at=now + timedelta(seconds=wait), last_error=reason)
    return PENDING
