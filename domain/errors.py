"""Domain errors: rule violations a client can act on (they become GraphQL userErrors).

A message is a constant English template, the msgid of the `errors` catalog
(`services/i18n/locales/<language>/errors.po`), with `str.format` fields filled from the
error's params: `DomainError(ErrorCode.X, "a {status} task takes no buyer", ("taskId",),
status=term(status))`. `message` is the English rendering (logs, the CLI, tests); a person
reads it in their own language (`services/i18n/errors.py`, `render`). A domain word inside a
message (a status, a class) is a `Term`, translated with the message.
`tests/contract/test_error_catalogs.py` keeps code and catalogs in step."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


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


@dataclass(frozen=True)
class Term:
    """A domain word inside a message: `key` names it in the `terms` catalog
    (`TaskStatus.ISSUED`), `english` is how the English message spells it."""

    key: str
    english: str

    def __str__(self) -> str:
        return self.english

    def __format__(self, spec: str) -> str:
        return format(self.english, spec)


def term(member: Enum, english: str | None = None) -> Term:
    """An enum member as a word of a message (English: its value in lower case)."""
    return Term(f"{type(member).__name__}.{member.value}", str(member.value).lower() if english is None else english)


def noun(word: str) -> Term:
    """A kind of object named in a message ("task", "checklist item"), as a term."""
    return Term(f"noun.{word}", word)


def msg(text: str) -> str:
    """Marks a constant English text as a msgid of the errors catalog (a refusal's reason kept
    in a table or a variable): `surveil i18n extract` collects it; returns it unchanged."""
    return text


def english(template: str, params: dict[str, object]) -> str:
    return template.format(**params) if params else template


class DomainError(Exception):
    """A rule was violated. `field` is the input path the client should highlight; `params`
    fill the message template's fields."""

    def __init__(self, code: ErrorCode, message: str, field: tuple[str, ...] = (), /, **params: object) -> None:
        self.template = message
        self.params = params
        self.message = english(message, params)
        super().__init__(self.message)
        self.code = code
        self.field = field

    def at(self, field: tuple[str, ...], code: ErrorCode | None = None) -> DomainError:
        """The same message pointing at another input field (or with another code)."""
        return DomainError(code or self.code, self.template, field, **self.params)


class DomainErrors(Exception):
    """Several independent input problems found at once, reported together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
