"""Expiry (过期, 有效期满): a valid or suspended certificate past its `expires_on` moves to
EXPIRED, by the system, with its status history entry and audit record.

The sweep runs at start-up, hourly in the app and from `surveil certificates expire`; the
deciding and spot-check commands run it on their own certificates first. It is idempotent and
safe with several processes: a row moves only by a conditional UPDATE (still live, version
unchanged), and only the writer whose UPDATE matched writes the history and audit records
(on PostgreSQL every transaction also waits for the audit chain's lock)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from datetime import date, datetime

from domain.audit_events import AuditAction
from domain.certificate import EXPIRING, check_move, expiry_reason
from domain.enums import CertificateStatus
from services import audit_log
from services.clock import end_of, today
from services.context import SYSTEM_ACTOR
from services.runner import Work, command
from store.models import Certificate, CertificateStatusChange

log = logging.getLogger("surveil.expiry")
SWEEP_INTERVAL_SECONDS = 3600


async def expire_due(ids: Iterable[int] | None = None, day: date | None = None) -> list[str]:
    """Expire every certificate past its date (or only those of `ids`), each in its own
    transaction; returns the numbers moved by this call."""
    day = day or today()
    due = Certificate.filter(status__in=EXPIRING, expires_on__lt=day)
    if ids is not None:
        due = due.filter(id__in=list(ids))
    moved = []
    for certificate_id, number in await due.order_by("id").values_list("id", "number"):
        if await expire_one(certificate_id=certificate_id, day=day):
            moved.append(number)
    return moved


@command(system=True)
async def expire_one(work: Work, *, certificate_id: int, day: date) -> bool:
    """One certificate of the sweep, in its own transaction (a savepoint when the sweep runs
    inside another command), by the system. False when there was nothing (left) to do."""
    certificate = await Certificate.filter(id=certificate_id).first()
    if certificate is None or not await expire_certificate(certificate, day):
        work.nothing_changed()
        return False
    return True


async def expire_certificate(certificate: Certificate, day: date) -> bool:
    """Inside the caller's command: move one certificate if it is still live and past its
    date. False when another writer moved or changed it first."""
    before = CertificateStatus(certificate.status)
    if before not in EXPIRING or day <= certificate.expires_on:
        return False
    check_move(before, CertificateStatus.EXPIRED, system=True)
    matched = await Certificate.filter(id=certificate.id, version=certificate.version, status=before).update(
        status=CertificateStatus.EXPIRED, version=certificate.version + 1, suspended_until=None, suspension_ground=None
    )
    if not matched:
        return False
    why = expiry_reason(certificate.expires_on)
    await CertificateStatusChange.create(
        certificate_id=certificate.id,
        from_status=before,
        to_status=CertificateStatus.EXPIRED,
        reason=why,
        actor=SYSTEM_ACTOR.login,
        at=await _expired_at(certificate),
    )
    await audit_log.record(
        AuditAction.CERTIFICATE_STATUS,
        "Certificate",
        certificate.id,
        before={"status": before.value, "suspendedUntil": _iso(certificate.suspended_until)},
        after={"status": CertificateStatus.EXPIRED.value, "expiresOn": certificate.expires_on.isoformat()},
        reason=why,
    )
    certificate.status, certificate.version = CertificateStatus.EXPIRED, certificate.version + 1
    certificate.suspended_until = certificate.suspension_ground = None
    return True


async def _expired_at(certificate: Certificate) -> datetime:
    """The history is dated when validity ended (the end of expiresOn in the service's time
    zone), not when the sweep noticed; never before the entry it follows, so the history stays
    in order."""
    ended = end_of(certificate.expires_on)
    last = await CertificateStatusChange.filter(certificate_id=certificate.id).order_by("-at").first()
    return max(ended, last.at) if last else ended


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def sweep(reason: str) -> list[str]:
    """One sweep whose failure is logged, never raised: the API keeps serving."""
    try:
        moved = await expire_due()
    except Exception:
        log.exception("certificate expiry sweep (%s) failed", reason)
        return []
    if moved:
        log.info("certificate expiry sweep (%s): %d expired: %s", reason, len(moved), ", ".join(moved))
    return moved


@asynccontextmanager
async def expiry_sweeps(interval: float = SWEEP_INTERVAL_SECONDS) -> AsyncIterator[None]:
    """For the app's lifespan: a sweep at start-up, then one every `interval` seconds."""
    await sweep("start-up")

    async def periodically() -> None:
        while True:
            await asyncio.sleep(interval)
            await sweep("hourly")

    task = asyncio.create_task(periodically(), name="certificate-expiry")
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
