"""Input checks shared by every use case, applied before anything reaches the store."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from domain.errors import DomainError, ErrorCode

# Control characters, and lone UTF-16 surrogates (valid in a JSON escape, not in UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Line breaks, refused in one-line text (titles, names, codes): a title reaching an email's
# Subject or a name reaching a header must never carry one.
_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
# Phones keep their own clocks; what they record offline may carry a slightly fast one, and
# reaches the server up to a month later (purchases, checklist answers).
CLOCK_SKEW = timedelta(minutes=10)
MAX_OFFLINE = timedelta(days=30)


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def clean_text(
    value: str | None, field: str, *, max_length: int, required: bool = True, single_line: bool = False
) -> str | None:
    """Trim, reject control characters, enforce presence and length; `single_line` (titles,
    names, codes) also refuses line breaks (CR, LF, NEL, U+2028, U+2029)."""
    if value is None:
        if required:
            raise DomainError(ErrorCode.REQUIRED, "{field} is required", (field,), field=field)
        return None
    text = value.strip()
    if not text:
        if required:
            raise DomainError(ErrorCode.REQUIRED, "{field} must not be blank", (field,), field=field)
        return None
    if len(text) > max_length:
        raise DomainError(
            ErrorCode.TOO_LONG,
            "{field} is longer than {max_length} characters",
            (field,),
            field=field,
            max_length=max_length,
        )
    if _CONTROL.search(text):
        raise DomainError(ErrorCode.INVALID, "{field} contains control or invalid characters", (field,), field=field)
    if single_line and _LINE_BREAK.search(text):
        raise DomainError(
            ErrorCode.INVALID, "{field} must be one line: line breaks are not allowed", (field,), field=field
        )
    return text


def require_reason(reason: str | None, max_length: int = 1000) -> str:
    """Every change of state carries a reason (docs/domain.md, Audit: nothing without why)."""
    text = clean_text(reason, "reason", max_length=max_length)
    assert text is not None
    return text


def country_code(value: str, field: str = "country") -> str:
    code = value.strip().upper()
    if not COUNTRY_CODE.match(code):
        raise DomainError(ErrorCode.INVALID, "{field} must be an ISO 3166 alpha-2 code", (field,), field=field)
    return code


def check_device_time(at: datetime, now: datetime, field: str, not_before: datetime | None = None) -> None:
    """A time a device recorded: with its UTC offset, not in the future beyond the clock skew,
    not older than the offline bound (nor, with `not_before`, before that moment less the skew)."""
    if at.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "give {field} with its UTC offset", (field,), field=field)
    if at > now + CLOCK_SKEW:
        raise DomainError(ErrorCode.INVALID, "{field} is in the future", (field,), field=field)
    if at < now - MAX_OFFLINE:
        raise DomainError(
            ErrorCode.INVALID, "{field} is older than {days} days", (field,), field=field, days=MAX_OFFLINE.days
        )
    if not_before is not None and at < not_before - CLOCK_SKEW:
        raise DomainError(ErrorCode.INVALID, "{field} is before the work began", (field,), field=field)
