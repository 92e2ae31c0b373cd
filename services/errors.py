"""Errors the service layer raises besides domain rule violations."""

from domain.validation import has_control_characters


class AuthorizationError(Exception):
    """Base for access problems; carries a client-safe message only."""

    code = "FORBIDDEN"


class Unauthenticated(AuthorizationError):
    code = "UNAUTHENTICATED"


class Forbidden(AuthorizationError):
    code = "FORBIDDEN"


class BadInput(Exception):
    """A query argument out of range (page size, filter length): safe to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def bounded(value: str, field: str, limit: int) -> str:
    """Reject an over-long or unprintable query argument before the ORM sees it: Tortoise
    would answer with its own message, PostgreSQL refuses NUL bytes outright."""
    if len(value) > limit:
        raise BadInput(f"{field} is longer than {limit} characters", field)
    if has_control_characters(value):
        raise BadInput(f"{field} contains control or invalid characters", field)
    return value
