"""Errors the service layer raises besides domain rule violations."""


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
    """Reject an over-long query argument before the ORM sees it (its message would leak)."""
    if len(value) > limit:
        raise BadInput(f"{field} is longer than {limit} characters", field)
    return value
