"""Public certificate status: the read behind GET /public/certificates/{number} (server/public_status.py).

No session: anyone may read what domain/public_status.py calls public. One SQL statement for
today's status (the certificate with its factory's name and category's names, by the number's
unique index), a second, bounded one for the status on a past day (that day's and earlier
history entries, newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode
from domain.public_status import (
    DayStatus,
    public_day,
    public_number,
    spellings,
    status_on,
    status_today,
)
from services.clock import end_of, local_date, today
from store.models import Certificate, CertificateStatusChange

# Entries read for one day at most: the one in force when the day began and the day's own
# moves (a handful in any real history). A longer day's list is cut to its latest moves.
HISTORY_READ = 20
COLUMNS = (
    "id",
    "number",
    "holder",
    "status",
    "issued_on",
    "expires_on",
    "factory__name",
    "product_category__code",
    "product_category__name",
    "product_category__name_zh",
)


@dataclass(frozen=True)
class PublicCertificate:
    number: str  # as registered
    holder: str
    factory_name: str
    category_code: str
    category_name: str
    category_name_zh: str
    issued_on: date
    expires_on: date
    answer: DayStatus
    today: date  # the service's date when asked

    @property
    def for_past_day(self) -> bool:
        return self.answer.day != self.today


def not_found(number: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"没有此编号的证书 No certificate has the number {number}")


async def registered_number(raw_number: str) -> str:
    """The number as registered, for the QR code (one statement); NOT_FOUND, INVALID or TOO_LONG."""
    number = public_number(raw_number)
    found = await Certificate.filter(number__in=spellings(number)).limit(1).values_list("number", flat=True)
    if not found:
        raise not_found(number)
    return found[0]


async def public_certificate(raw_number: str, raw_on: str | None) -> PublicCertificate:
    """Today's status, or with `raw_on` (YYYY-MM-DD) the status on that day. Raises
    DomainError: INVALID / TOO_LONG for a malformed number or day (checked before any
    statement), NOT_FOUND for a number no certificate has."""
    now = today()
    number = public_number(raw_number)
    day = public_day(raw_on, now) if raw_on is not None else None
    rows = await Certificate.filter(number__in=spellings(number)).limit(1).values(*COLUMNS)
    if not rows:
        raise not_found(number)
    row = rows[0]
    status = CertificateStatus(row["status"])
    if day is None:
        answer = status_today(status, row["issued_on"], row["expires_on"], now)
    elif day < row["issued_on"]:  # no history to read
        answer = status_on(day, row["issued_on"], row["expires_on"], ())
    else:
        answer = status_on(day, row["issued_on"], row["expires_on"], await _changes(row["id"], day))
    return PublicCertificate(
        number=row["number"],
        holder=row["holder"],
        factory_name=row["factory__name"],
        category_code=row["product_category__code"],
        category_name=row["product_category__name"],
        category_name_zh=row["product_category__name_zh"],
        issued_on=row["issued_on"],
        expires_on=row["expires_on"],
        answer=answer,
        today=now,
    )


async def _changes(certificate_id: int, day: date) -> list[tuple[date, CertificateStatus]]:
    """The history up to the end of `day`, oldest first, as (service date, status moved to)."""
    rows = (
        await CertificateStatusChange.filter(certificate_id=certificate_id, at__lt=end_of(day))
        .order_by("-at", "-id")
        .limit(HISTORY_READ)
        .values_list("at", "to_status")
    )
    return [(local_date(at), CertificateStatus(to)) for at, to in reversed(rows)]
