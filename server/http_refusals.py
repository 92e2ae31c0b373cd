"""The GraphQL endpoint's own HTTP refusals (before GraphQL runs) as catalog templates, so a
reader gets them in their language like every other error: `HttpRefusal` carries a template
and its params; strawberry's fixed reasons are msgids too (`STRAWBERRY_REASONS`)."""

from __future__ import annotations

from cross_web import HTTPException

from domain.errors import english, msg
from services.i18n.errors import message_of, text_for

MAX_JSON_NESTING = 32  # the deepest real input (a purchase's samples) is 5 levels
MAX_JSON_VALUES = 100_000

# Reasons strawberry raises with a fixed text: translated as msgids (others stay English).
STRAWBERRY_REASONS = (
    msg("Unable to parse request body as JSON"),
    msg("No GraphQL query found in the request"),
    msg("Unsupported content type"),
    msg("File(s) missing in form data"),
    msg("GraphQL only supports GET and POST requests."),
    msg("Not Found"),
    msg("Batching is not enabled"),
    msg("Too many operations"),
    msg("The GraphQL operation's `query` must be a string or null, if provided."),
    msg("The GraphQL operation's `variables` must be an object or null, if provided."),
    msg("The GraphQL operation's `extensions` must be an object or null, if provided."),
)


class HttpRefusal(HTTPException):
    """A 4xx before GraphQL runs, whose reason is a catalog template (English in `reason`)."""

    def __init__(self, status_code: int, template: str, /, **params: object) -> None:
        super().__init__(status_code, english(template, params))
        self.template, self.params = template, params


def reason_in(exc: HTTPException, language: str) -> str:
    """The refusal's text in `language`: its template, or strawberry's fixed reason as a msgid."""
    return message_of(exc, language) if isinstance(exc, HttpRefusal) else text_for(exc.reason, language)


def json_problem(value: object) -> HttpRefusal | None:
    """Why decoded request JSON is unusable, or None. Lone UTF-16 surrogates are legal JSON
    escapes but not text: no layer below (ORM, database driver, audit hash) can encode them.
    Walked without recursion, so a deep document cannot exhaust the stack here."""
    pending = [(value, 1)]
    seen = 0
    while pending:
        item, depth = pending.pop()
        seen += 1
        if seen > MAX_JSON_VALUES:
            return HttpRefusal(400, "a request holds at most {limit} values", limit=MAX_JSON_VALUES)
        if depth > MAX_JSON_NESTING:
            return too_deep()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return HttpRefusal(400, "request text must be valid Unicode (lone surrogate found)")
        elif isinstance(item, dict):
            pending.extend((k, depth) for k in item)
            pending.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            pending.extend((v, depth + 1) for v in item)
    return None


def too_deep() -> HttpRefusal:
    return HttpRefusal(400, "JSON nested deeper than {limit} levels", limit=MAX_JSON_NESTING)
