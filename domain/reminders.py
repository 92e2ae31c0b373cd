"""Reminders of deadlines people act on (DOMAIN.md §8): which threshold a deadline is at today.

Each reminder is sent once per threshold, remembered by its key (services/notices/reminders.py,
the `reminder_sent` table). A key names the threshold and the deadline it counts to, so a
deadline that moves (a renewed certificate, a new suspension period, a new due date) starts
its thresholds afresh, and one that stays never repeats them.

Catch-up: a run only ever sends the threshold a deadline is at *now*. After a missed run (or a
long gap) the current threshold is sent once; thresholds passed meanwhile are not sent late (a
certificate already expired gets "expired", not also "90 days" and "30 days"; a correction
3 days from its deadline gets "3 days", not also "14 days"). An expiry older than
`EXPIRED_WINDOW_DAYS` is history, not a reminder: the first run on an old register does not
tell every holder of a certificate that lapsed years ago."""

from __future__ import annotations

from datetime import date

from domain.notices import NoticeKind as K

CORRECTION_DAYS = (3, 14)  # before the deadline, nearest first
EXPIRY_DAYS = (30, 90)
EXPIRED_WINDOW_DAYS = 30


def _before(deadline: date, today: date, days: tuple[int, ...]) -> str | None:
    left = (deadline - today).days
    return next((f"{d}d@{deadline.isoformat()}" for d in days if 0 <= left <= d), None)


def correction(due: date, today: date) -> tuple[K, str] | None:
    """14 and 3 days before the correction deadline, then overdue once it has passed."""
    if today > due:
        return K.CORRECTION_OVERDUE, f"overdue@{due.isoformat()}"
    key = _before(due, today, CORRECTION_DAYS)
    return (K.CORRECTION_DUE, key) if key else None


def expiry(expires_on: date, today: date, expired: bool) -> tuple[K, str] | None:
    """90 and 30 days before a certificate's validity ends, then expired (recently)."""
    if expired or today > expires_on:
        if (today - expires_on).days > EXPIRED_WINDOW_DAYS:
            return None
        return K.CERTIFICATE_EXPIRED, f"expired@{expires_on.isoformat()}"
    key = _before(expires_on, today, EXPIRY_DAYS)
    return (K.CERTIFICATE_EXPIRING, key) if key else None


def suspension_over(suspended_until: date | None, voluntary: bool, today: date) -> tuple[K, str] | None:
    """A suspension period over without restoration (due for revocation); a voluntary one
    reaches its 12 months."""
    if suspended_until is None or today <= suspended_until:
        return None
    kind = K.VOLUNTARY_SUSPENSION_OVER if voluntary else K.SUSPENSION_OVER
    return kind, f"over@{suspended_until.isoformat()}"


def overdue(due: date, today: date) -> str | None:
    """A task past its due date, a lab report past its working days: once per due date."""
    return f"overdue@{due.isoformat()}" if today > due else None


def days_left(deadline: date, today: date) -> int:
    return (deadline - today).days
