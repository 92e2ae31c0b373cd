"""Certificate status machine (docs/domain.md, Registry): the allowed moves, declared in one place.

A certificate is valid up to and including its `expires_on` (有效期至). The day after, a valid
or suspended certificate is expired (过期, 有效期满): no decision can maintain, suspend, restore
or revoke it any more; expiry without renewal is a ground for cancellation (注销), the only move
left. The move to EXPIRED is the system's (the expiry sweep), never a person's decision."""

from __future__ import annotations

from datetime import MAXYEAR, date

from domain.enums import CertificateStatus as S
from domain.errors import DomainError, ErrorCode, term

ALLOWED_MOVES: dict[S, frozenset[S]] = {
    S.VALID: frozenset({S.SUSPENDED, S.REVOKED, S.CANCELLED, S.EXPIRED}),
    S.SUSPENDED: frozenset({S.VALID, S.REVOKED, S.CANCELLED, S.EXPIRED}),
    S.REVOKED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset({S.CANCELLED}),
}
SYSTEM_MOVES = frozenset({S.EXPIRED})  # reached by the calendar, not by a decision
EXPIRING = (S.VALID, S.SUSPENDED)  # the statuses a certificate expires from
LIVE = EXPIRING  # surveilled, planned, decided on

VALIDITY_YEARS = 5


def check_move(current: S, target: S, *, system: bool = False) -> None:
    if target not in ALLOWED_MOVES[current]:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a {current} certificate cannot become {target}",
            ("status",),
            current=term(current),
            target=term(target),
        )
    if target in SYSTEM_MOVES and not system:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED, "a certificate expires by its date, not by a decision", ("status",)
        )


def latest_expiry(start: date) -> date:
    """The last day a certificate issued (or renewed) on `start` may be valid: 5 years (有效期);
    the last day there is for a start within 5 years of it (no record carries such dates:
    domain/registry_checks.py bounds them, but the arithmetic never fails)."""
    if start.year + VALIDITY_YEARS > MAXYEAR:
        return date.max
    try:
        return start.replace(year=start.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        return start.replace(year=start.year + VALIDITY_YEARS, day=28)


RENEWABLE = EXPIRING  # a valid or suspended certificate, before its date has passed


def check_renewal(status: S, expires_on: date, new_expires_on: date, today: date) -> None:
    """A renewal (延续) gives a live certificate a new validity: later than the current one and
    at most 5 years from the day of renewal. Its status stays as it is (a suspended one stays
    suspended). An expired certificate is cancelled (注销), not renewed; a revoked or cancelled
    one is final."""
    current = effective_status(status, expires_on, today)
    if current not in RENEWABLE:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a {current} certificate is not renewed (延续); issue a new one",
            ("certificateId",),
            current=term(current),
        )
    if new_expires_on <= expires_on:
        raise DomainError(
            ErrorCode.INVALID, "the new expiresOn (有效期至) must be later than the current one", ("expiresOn",)
        )
    if new_expires_on > latest_expiry(today):
        raise DomainError(
            ErrorCode.INVALID,
            "a renewed certificate is valid (有效期) for at most {validity_years} years from today",
            ("expiresOn",),
            validity_years=VALIDITY_YEARS,
        )


def check_issued_on(issued_on: date, today: date, field: str) -> None:
    """A certificate is issued (发证) on a day that has come: never dated in the future."""
    if issued_on > today:
        raise DomainError(ErrorCode.INVALID, "{field} (发证日期) is not in the future", (field,), field=field)


def check_transfer(status: S, expires_on: date, today: date, field: str) -> None:
    """Only a live (valid or suspended, not past its date) certificate moves to another factory
    (证书转移)."""
    current = effective_status(status, expires_on, today)
    if current not in LIVE:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a {status} certificate does not move (证书转移)",
            (field,),
            status=term(current),
        )


def past_expiry(expires_on: date, today: date) -> bool:
    return today > expires_on


def effective_status(status: S, expires_on: date, today: date) -> S:
    """The status as of `today`: expired as soon as the date has passed, even before the sweep
    has recorded it."""
    return S.EXPIRED if status in EXPIRING and past_expiry(expires_on, today) else status


def expiry_reason(expires_on: date) -> str:
    return f"有效期满 Validity ended on {expires_on.isoformat()} without renewal"
