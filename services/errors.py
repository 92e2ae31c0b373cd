"""Errors the service layer raises besides domain rule violations. Their messages are constant
English templates with params, like `DomainError`'s (translated by `services/i18n/errors.py`)."""

from domain.errors import english
from domain.validation import has_control_characters


class AuthorizationError(Exception):
    """Base for access problems; carries a client-safe message only."""

    code = "FORBIDDEN"

    def __init__(self, message: str, /, **params: object) -> None:
        self.template = message
        self.params = params
        super().__init__(english(message, params))


class Unauthenticated(AuthorizationError):
    code = "UNAUTHENTICATED"


class Forbidden(AuthorizationError):
    code = "FORBIDDEN"


class BadInput(Exception):
    """A query argument out of range (page size, filter length): safe to show."""

    def __init__(self, message: str, field: str | None = None, /, **params: object) -> None:
        self.template = message
        self.params = params
        super().__init__(english(message, params))
        self.field = field


def bounded(value: str, field: str, limit: int) -> str:
    """Reject an over-long or unprintable query argument before the ORM sees it: Tortoise
    would answer with its own message, PostgreSQL refuses NUL bytes outright."""
    if len(value) > limit:
        raise BadInput("{field} is longer than {limit} characters", field, field=field, limit=limit)
    if has_control_characters(value):
        raise BadInput("{field} contains control or invalid characters", field, field=field)
    return value
