"""Domain errors: rule violations a client can act on (they become GraphQL userErrors)."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    STALE_VERSION = "STALE_VERSION"
    NO_CHANGE = "NO_CHANGE"
    CONFLICT = "CONFLICT"
    TRANSITION_NOT_ALLOWED = "TRANSITION_NOT_ALLOWED"
    JURISDICTION = "JURISDICTION"


class DomainError(Exception):
    """A rule was violated. `field` is the input path the client should highlight."""

    def __init__(self, code: ErrorCode, message: str, field: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class DomainErrors(Exception):
    """Several independent input problems found at once, reported together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
