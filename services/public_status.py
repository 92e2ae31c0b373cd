"""Public certificate status: the read behind GET /public/certificates/{number} (server/public_status.py).

No session: anyone may read what domain/public_status.py calls public. One SQL statement for
today's status (the certificate with its factory's name and category's names, by the index on
`upper(number)`: migration 0032), a second, bounded one for the status on a past day (that
day's and earlier history entries, newest first, and the registry import's take-over entry
whenever it was)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Upper

from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode
from domain.public_status import (
    DayStatus,
    TakenOver,
    number_key,
    public_day,
    public_number,
    status_on,
    status_today,
)
from services.clock import end_of, local_date, today
from services.imports.columns import ImportKind
from services.imports.common import reason_prefix
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
# The registry import's initial load writes a certificate taken over non-valid as issued (VALID,
# from no status) and then moved, at the import, from VALID with a reason of this beginning.
TAKE_OVER = reason_prefix(ImportKind.CERTIFICATES)


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
    return DomainError(ErrorCode.NOT_FOUND, "No certificate has the number {number}", number=number)


async def registered_number(raw_number: str) -> str:
    """The number as registered, for the QR code (one statement); NOT_FOUND, INVALID or TOO_LONG."""
    number = public_number(raw_number)
    found = await _by_number(number).values_list("number", flat=True)
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
    rows = await _by_number(number).values(*COLUMNS)
    if not rows:
        raise not_found(number)
    row = rows[0]
    status = CertificateStatus(row["status"])
    if day is None:
        answer = status_today(status, row["issued_on"], row["expires_on"], now)
    elif day < row["issued_on"]:  # no history to read
        answer = status_on(day, row["issued_on"], row["expires_on"], ())
    else:
        answer = status_on(day, row["issued_on"], row["expires_on"], *await _history(row["id"], day))
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


def _by_number(number: str):
    """The certificate of `number` whatever its case: `WHERE upper(number) = ?`, which the
    expression index of migration 0032 serves on SQLite and PostgreSQL (tortoise's `iexact`
    compares `upper(CAST(number AS VARCHAR))`, which no index serves)."""
    return Certificate.annotate(number_upper=Upper("number")).filter(number_upper=number_key(number)).limit(1)


async def _history(certificate_id: int, day: date) -> tuple[list[tuple[date, CertificateStatus]], TakenOver | None]:
    """The history up to the end of `day`, oldest first, as (service date, status moved to), and
    the take-over when the certificate came in non-valid (then only the changes after it)."""
    rows = (
        await CertificateStatusChange.filter(certificate_id=certificate_id)
        .filter(Q(at__lt=end_of(day)) | Q(reason__startswith=TAKE_OVER, from_status=CertificateStatus.VALID))
        .order_by("-at", "-id")
        .limit(HISTORY_READ)
        .values_list("at", "from_status", "to_status", "reason")
    )
    changes: list[tuple[date, CertificateStatus | None, CertificateStatus]] = []
    taken_over = None
    for at, before, to, reason in reversed(rows):
        if before == CertificateStatus.VALID and reason.startswith(TAKE_OVER) and "(sha256 " in reason:
            taken_over, changes = TakenOver(local_date(at), CertificateStatus(to)), []  # the records begin
        else:
            changes.append((local_date(at), before, CertificateStatus(to)))
    if taken_over is not None:  # its issue record may be stamped after the take-over (09:00 UTC)
        changes = [change for change in changes if change[1] is not None]
    return [(on, to) for on, _, to in changes if on <= day], taken_over
