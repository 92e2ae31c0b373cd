"""Public certificate status (证书状态公开查询): what market regulators, customs and buyers may
read about a certificate without signing in, and its status on a given day.

Public: the status word, holder, factory name, product category and validity. Nothing else
(no ids, no class, no tasks, no people, no reasons). Messages are given in Chinese and English at
once: the page is bilingual.

A number is looked up as the registry compares numbers (NFKC, trimmed, without regard to case:
`２０２１ｅａ-１` is `2021EA-1`). Certificate numbers are letters, digits and hyphens (CCC
numbers are 14-19 digits; foreign and older numbers carry letters and hyphens), at most 64.

The status on a day is the status at the END of that day in the service's time zone (a
certificate suspended at 15:00 is suspended on that day); when it changed during the day, every
status it held that day is listed too. Before its issue date a certificate is NOT_YET_ISSUED (尚未
发证); after its expiresOn a valid or suspended one is EXPIRED, as on the registry's own pages. A
day after the service's today is refused: a status to come is not known.

A certificate taken over from another register in a status other than valid (the registry
import's initial load: revoked, suspended, cancelled, expired) has no record here before the
take-over: on an earlier day it is UNKNOWN (未知), with the day the records begin, never VALID
(it may have been revoked for years) — except after its expiresOn when it came in suspended or
expired, which only a valid or suspended certificate becomes. On the take-over day it is in
the status it came in, without the VALID that was only its issue record. A certificate taken
over valid was, as far as anyone recorded, valid since its issue date: it reads as any other."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from urllib.parse import quote

from domain.certificate import EXPIRING
from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode

NUMBER_MAX = 64  # domain/registry.py CERTIFICATE_NUMBER_MAX
RAW_MAX = 256  # what is read of a path segment at all: NFKC may grow a text 18-fold, so bound it first
NUMBER_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}", re.ASCII)
DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
PATH = "/public/certificates/"


class PublicStatus(StrEnum):
    VALID = "VALID"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    NOT_YET_ISSUED = "NOT_YET_ISSUED"
    UNKNOWN = "UNKNOWN"  # not recorded: before a certificate taken over non-valid entered this register


WORDS: dict[PublicStatus, tuple[str, str]] = {
    PublicStatus.VALID: ("有效", "Valid"),
    PublicStatus.SUSPENDED: ("暂停", "Suspended"),
    PublicStatus.REVOKED: ("撤销", "Revoked"),
    PublicStatus.CANCELLED: ("注销", "Cancelled"),
    PublicStatus.EXPIRED: ("过期", "Expired"),
    PublicStatus.NOT_YET_ISSUED: ("尚未发证", "Not yet issued"),
    PublicStatus.UNKNOWN: ("未知", "Unknown"),
}
# Said with UNKNOWN: why nothing is known.
NOT_RECORDED = ("此前未在本登记册记录", "not recorded before it entered this register")


@dataclass(frozen=True)
class DayStatus:
    day: date
    status: PublicStatus  # at the end of the day
    during_day: tuple[PublicStatus, ...]  # every status held that day, in order (one when it did not change)
    records_begin: date | None = None  # with UNKNOWN: the day this register's records of it begin


@dataclass(frozen=True)
class TakenOver:
    """A certificate taken over from another register in a status other than VALID."""

    on: date  # the service's date of the take-over: the records begin
    status: CertificateStatus  # the status it came in


def public_number(raw: str) -> str:
    """The number as typed, normalised (NFKC, trimmed), or INVALID/TOO_LONG saying why."""
    if len(raw) > RAW_MAX:
        raise DomainError(ErrorCode.TOO_LONG, "A certificate number has at most {limit} characters", limit=NUMBER_MAX)
    number = unicodedata.normalize("NFKC", raw).strip()
    if len(number) > NUMBER_MAX:
        raise DomainError(ErrorCode.TOO_LONG, "A certificate number has at most {limit} characters", limit=NUMBER_MAX)
    if not NUMBER_PATTERN.fullmatch(number):
        raise DomainError(
            ErrorCode.INVALID,
            "A certificate number is letters, digits and hyphens (e.g. 2021001000000), without spaces",
        )
    return number


def number_key(number: str) -> str:
    """What a number is looked up by: upper case, compared with `upper(number)` (an index on that
    expression serves it on both databases; a number is ASCII, so both agree with Python)."""
    return number.upper()


def public_day(raw: str, today: date) -> date:
    """`?on=YYYY-MM-DD` (full-width digits allowed): a real calendar day, not after `today`."""
    text = unicodedata.normalize("NFKC", raw[:32]).strip()
    if len(raw) > 32 or not DAY_PATTERN.fullmatch(text):
        raise DomainError(ErrorCode.INVALID, "The date must be written YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "There is no such day as {day}", day=text) from None
    if day > today:
        raise DomainError(
            ErrorCode.INVALID,
            "The status on a day after today ({today}) is not known yet",
            today=today.isoformat(),
        )
    return day


def _effective(status: CertificateStatus, expires_on: date, day: date) -> PublicStatus:
    if status in EXPIRING and day > expires_on:
        return PublicStatus.EXPIRED
    return PublicStatus(status.value)


def status_today(status: CertificateStatus, issued_on: date, expires_on: date, today: date) -> DayStatus:
    """Now, from the certificate's own row (a certificate registered with a future issue date
    would not be issued yet)."""
    now = PublicStatus.NOT_YET_ISSUED if today < issued_on else _effective(status, expires_on, today)
    return DayStatus(today, now, (now,))


def status_on(
    day: date,
    issued_on: date,
    expires_on: date,
    changes: Sequence[tuple[date, CertificateStatus]],
    taken_over: TakenOver | None = None,
) -> DayStatus:
    """The status on `day` from the status history: `changes` are (the service's date of the
    change, the status moved to), oldest first, those after `day` left out or ignored (with
    `taken_over`, only those after the take-over). From its issue date a certificate is valid
    until its history says otherwise (an issue recorded later than its issue date counts from
    that date); one taken over non-valid is unknown before the take-over (module text)."""
    if day < issued_on:
        return DayStatus(day, PublicStatus.NOT_YET_ISSUED, (PublicStatus.NOT_YET_ISSUED,))
    start = CertificateStatus.VALID
    if taken_over is not None:
        if day < taken_over.on:
            return _before_records(day, expires_on, taken_over)
        start = taken_over.status
    held: list[CertificateStatus] = []
    for on, status in changes:
        if on < day:
            start = status
        elif on == day:
            held.append(status)
    during: list[PublicStatus] = []
    for status in (start, *held):
        word = _effective(status, expires_on, day)
        if not during or during[-1] != word:
            during.append(word)
    return DayStatus(day, during[-1], tuple(during))


def _before_records(day: date, expires_on: date, taken_over: TakenOver) -> DayStatus:
    if day > expires_on and taken_over.status in (CertificateStatus.SUSPENDED, CertificateStatus.EXPIRED):
        return DayStatus(day, PublicStatus.EXPIRED, (PublicStatus.EXPIRED,))
    return DayStatus(day, PublicStatus.UNKNOWN, (PublicStatus.UNKNOWN,), records_begin=taken_over.on)


def public_url(base_url: str, number: str) -> str | None:
    """The page of `number` under `base_url`; None for a stored number the page cannot serve
    (outside the pattern above)."""
    if not NUMBER_PATTERN.fullmatch(number):
        return None
    return f"{base_url.rstrip('/')}{PATH}{quote(number, safe='')}"
