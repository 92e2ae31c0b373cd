"""Fan-out: one outbox event becomes inbox entries and deliveries, in one transaction.

Each event is fanned out by its own system command (`surveil worker`): the inbox entries, the
EMAIL and WEBHOOK deliveries and the event's `fanned_out_at` commit together or not at all, so
a crash leaves the event to be fanned out again and never half-done. The event row is claimed
with FOR UPDATE SKIP LOCKED (PostgreSQL), so two workers never fan out one event; the unique
(person, event) and delivery-key constraints hold even so.

Audited: one `notice.fan_out` record per event, naming how many were reached by each channel.
That is one record per notice, not per recipient, and it is where the audit trail shows who
decided the recipients (the worker) and when — the question a dispute over "we were never
told" asks first."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.notice_delivery import DeliveryStatus, delivery_key
from domain.notices import Channel
from services import audit_log, live
from services.notices.recipients import endpoints, recipients
from services.runner import Work, command
from store.models import NoticeDelivery, Notification, OutboxEvent


async def pending_events(limit: int = 100, exclude: list[int] | None = None) -> list[int]:
    """Events not fanned out yet, oldest first, but those in `exclude` (set aside)."""
    rows = OutboxEvent.filter(fanned_out_at=None)
    if exclude:
        rows = rows.exclude(id__in=exclude)
    rows = rows.order_by("id").limit(limit)
    return list(await rows.values_list("id", flat=True))


@command(system=True, system_login="worker:notices")
async def fan_out(work: Work, *, event_id: int, now: datetime | None = None) -> int:
    """Write the event's inbox entries and deliveries; returns how many people it reached
    (0 when another worker has it or had it)."""
    now = now or datetime.now(UTC)
    event = await OutboxEvent.filter(id=event_id, fanned_out_at=None).select_for_update(skip_locked=True).first()
    if event is None:
        work.nothing_changed()
        return 0
    people = await recipients(event.kind, event.audience or {})
    hooks = await endpoints(event.kind, event.audience or {})
    await Notification.bulk_create(
        [
            Notification(
                user_id=p.user_id,
                event_id=event.id,
                kind=event.kind,
                subject_type=event.subject_type,
                subject_id=event.subject_id,
                params=event.params or {},
                created_at=event.created_at,
            )
            for p in people
        ]
    )
    emails = [p.user_id for p in people if p.email_wanted]
    deliveries = [_delivery(event.id, Channel.EMAIL, now, user_id=u) for u in emails]
    deliveries += [_delivery(event.id, Channel.WEBHOOK, now, endpoint_id=e) for e in hooks]
    await NoticeDelivery.bulk_create(deliveries)
    await OutboxEvent.filter(id=event.id).update(fanned_out_at=now)
    after = {"kind": event.kind, "inbox": len(people), "email": len(emails), "webhook": len(hooks)}
    await audit_log.record(AuditAction.NOTICE_FAN_OUT, "OutboxEvent", event.id, after=after)
    live.notices_written(event.id, [p.user_id for p in people])
    return len(people)


def _delivery(event_id: int, channel: Channel, now: datetime, *, user_id=None, endpoint_id=None) -> NoticeDelivery:
    return NoticeDelivery(
        event_id=event_id,
        channel=channel.value,
        user_id=user_id,
        endpoint_id=endpoint_id,
        delivery_key=delivery_key(event_id, channel.value, user_id or endpoint_id),
        status=DeliveryStatus.PENDING.value,
        next_attempt_at=now,
    )
