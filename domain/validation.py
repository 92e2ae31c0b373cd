"""Input checks shared by every use case, applied before anything reaches the store."""

from __future__ import annotations

import re

from domain.errors import DomainError, ErrorCode

# Control characters, and lone UTF-16 surrogates (valid in a JSON escape, not in UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def clean_text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Trim, reject control characters, enforce presence and length."""
    if value is None:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{field} is required", (field,))
        return None
    text = value.strip()
    if not text:
        if required:
            raise DomainError(ErrorCode.REQUIRED, f"{field} must not be blank", (field,))
        return None
    if len(text) > max_length:
        raise DomainError(ErrorCode.TOO_LONG, f"{field} is longer than {max_length} characters", (field,))
    if _CONTROL.search(text):
        raise DomainError(ErrorCode.INVALID, f"{field} contains control or invalid characters", (field,))
    return text


def require_reason(reason: str | None, max_length: int = 1000) -> str:
    """Every change of state carries a reason (docs/domain.md, Audit: nothing without why)."""
    text = clean_text(reason, "reason", max_length=max_length)
    assert text is not None
    return text


def country_code(value: str, field: str = "country") -> str:
    code = value.strip().upper()
    if not COUNTRY_CODE.match(code):
        raise DomainError(ErrorCode.INVALID, f"{field} must be an ISO 3166 alpha-2 code", (field,))
    return code
