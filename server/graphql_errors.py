"""Error policy: expected errors keep a safe message and an `extensions.code`; anything
unexpected is masked (its details go to the log, never to the client)."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from domain.errors import english, msg
from schema.relay import InvalidId
from services.errors import AuthorizationError, BadInput
from services.i18n import DEFAULT_LANGUAGE
from services.i18n.errors import message_of, text_for

log = logging.getLogger("surveil.graphql")
MASKED = msg("Unexpected error.")  # strawberry's MaskErrors text, translated like the rest


def refusal(template: str, extensions: dict | None = None, /, **params: object) -> GraphQLError:
    """A GraphQL error whose message is a catalog template (translated on the way out)."""
    error = GraphQLError(english(template, params), extensions=extensions)
    error.template, error.params = template, params  # type: ignore[attr-defined]
    return error


def translated(error: GraphQLError, language: str) -> str:
    """The error's text in `language`: its own template, its original error's, or its fixed
    message as a msgid (masked errors, authentication refusals); other texts stay as they are."""
    if getattr(error, "template", None) is not None:
        return message_of(error, language)
    original = error.original_error
    if original is not None and getattr(original, "template", None) is not None:
        return message_of(original, language)
    return text_for(error.message, language)


def classify(error: GraphQLError) -> str | None:
    """The public code of an expected error, or None if it must be masked."""
    original = error.original_error
    if original is None:
        return (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
    if isinstance(original, AuthorizationError):
        return original.code
    if isinstance(original, (BadInput, InvalidId)):
        return "BAD_USER_INPUT"
    if isinstance(original, GraphQLError):  # e.g. a coercion error raised by graphql-core
        return "BAD_USER_INPUT"
    return None


def request_id(execution_context) -> str:
    """The id the request's audit records and log lines carry; a masked error names it, so
    an operator can find the details a client never sees."""
    context = getattr(execution_context, "context", None)
    session = getattr(context, "session", None)
    if session is not None:
        return session.actor.request_id
    state = getattr(getattr(context, "request", None), "scope", {}).get("state", {})
    info = state.get("observed") if isinstance(state, dict) else None  # server/observe.py
    return info.request_id if info is not None else "anonymous"


class PublicErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: classify(e) is None)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id(self.execution_context)}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out = []
        language = getattr(getattr(self.execution_context, "context", None), "language", DEFAULT_LANGUAGE)
        for error in super()._process_errors(errors):
            code = classify(error)
            message = translated(error, language)
            if message != error.message or (code and (error.extensions or {}).get("code") != code):
                error = GraphQLError(
                    message,
                    nodes=error.nodes,
                    source=error.source,
                    positions=error.positions,
                    path=error.path,
                    original_error=error.original_error,
                    extensions={**(error.extensions or {}), **({"code": code} if code else {})},
                )
            out.append(error)
        return out


def log_errors(errors: list[GraphQLError], execution_context=None) -> None:
    """Expected errors at DEBUG (no flood, no query text); unexpected with their traceback."""
    for error in errors:
        if classify(error) is None:
            log.error(
                "unexpected error at %s (request %s)", error.path, request_id(execution_context),
                exc_info=error.original_error,
            )  # fmt: skip
        else:
            log.debug("client error: %s", error.message)
