"""Every HTTP request gets a request id, one JSON log line and its metrics (README, Operations).

`Observability` is the outermost middleware: it always makes the request's own id (a client
must not choose the id its audit records and masked errors carry: a second user could reuse a
first user's), keeps it in the request's state (the session's actor carries it, so audit
records and masked errors name it), echoes it on every response in `X-Request-ID`, and when
the response ends writes one log line (`surveil.request`) and counts the request. An exception
the app lets escape before answering becomes its 500 (the exception in the log only). The
caller's `X-Request-ID`, when it is a plain token (1-64 of letters, digits, `. _ : -`), is
only logged as `client_request_id` and echoed in `X-Client-Request-ID`. The GraphQL extension
`ObserveOperation` fills in the operation's name, whether the document was valid (only valid
documents of a signed-in caller get a metrics label of their own) and the outcome. Nothing here touches the database."""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.responses import PlainTextResponse
from strawberry.extensions import SchemaExtension

from server.graphql_errors import classify

if TYPE_CHECKING:
    from server.metrics import Metrics

log = logging.getLogger("surveil.request")
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
MASKED_CODE = "INTERNAL_SERVER_ERROR"
ROUTES = {"graphql", "health", "ready", "metrics", "documents", "archive", "tasks", "imports", "public"}


@dataclass
class Observed:
    """What one request did, filled in as it runs."""

    request_id: str
    client_request_id: str | None = None
    login: str | None = None
    operation: str = ""
    validated: bool = False  # the document parsed, validated and passed the limits
    outcome: str | None = None  # ok | user_error | error; None: decided from the status
    error_codes: list[str] = field(default_factory=list)


def client_request_id(header: str | None) -> str | None:
    """The caller's id when it is a plain token, else None (never an error)."""
    return header if header and REQUEST_ID.fullmatch(header) else None


def observed(scope_or_request) -> Observed | None:
    scope = getattr(scope_or_request, "scope", scope_or_request)
    return scope.get("state", {}).get("observed") if isinstance(scope, dict) else None


def request_id_of(request) -> str:
    """The request's id (made by the middleware); a fresh one outside it."""
    info = observed(request)
    return info.request_id if info is not None else uuid.uuid4().hex


def route_of(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return first if first in ROUTES else "other"


class Observability:
    def __init__(self, app, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        info = Observed(uuid.uuid4().hex, client_request_id(header))
        scope.setdefault("state", {})["observed"] = info
        status = 500  # what the client sees if the app fails before answering
        answered = False
        started = time.perf_counter()

        async def send_with_id(message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                ours = {b"x-request-id", b"x-client-request-id"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                headers.append((b"x-request-id", info.request_id.encode()))
                if info.client_request_id:
                    headers.append((b"x-client-request-id", info.client_request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Outside Starlette's own error handler: the 500 is ours, masked and with the request's id.
            log.error("unhandled exception", exc_info=True, extra={"request_id": info.request_id})
            if answered:
                raise  # half a response went out: only the server can end the connection
            await PlainTextResponse("Internal Server Error", 500)(scope, receive, send_with_id)
        finally:
            self._record(scope, info, status, time.perf_counter() - started)

    def _record(self, scope, info: Observed, status: int, seconds: float) -> None:
        route = route_of(scope.get("path", ""))
        if status >= 500:
            outcome = "error"
        elif info.outcome is not None:
            outcome = info.outcome
        else:
            outcome = "user_error" if status >= 400 else "ok"
        if route != "graphql":
            operation = ""
        else:
            operation = self.metrics.operation_label(info.operation, info.validated, info.login is not None)
        self.metrics.observe(route, operation, outcome, seconds, info.error_codes)
        log.info(
            "request",
            extra={
                "request_id": info.request_id,
                "client_request_id": info.client_request_id,
                "login": info.login,
                "method": scope.get("method"),
                "path": scope.get("path"),
                "route": route,
                "operation": info.operation or None,
                "status": status,
                "outcome": outcome,
                "duration_ms": round(seconds * 1000, 2),
            },
        )


def operation_name(execution_context) -> str:
    """The operation asked for by name, or the document's only operation's name ("" if none)."""
    name = execution_context.operation_name
    document = execution_context.graphql_document
    if not name and document is not None:
        names = [d.name.value for d in document.definitions if getattr(d, "operation", None) and d.name]
        name = names[0] if len(names) == 1 else ""
    return name if name and OPERATION_NAME.fullmatch(name) else ""


def _has_user_errors(data) -> bool:
    """A mutation payload at the top level that answers with userErrors."""
    if not isinstance(data, dict):
        return False
    return any(isinstance(v, dict) and v.get("userErrors") for v in data.values())


class ObserveOperation(SchemaExtension):
    """Tells the middleware the operation's name and outcome: `error` when an error was masked,
    `user_error` for expected errors or a payload's userErrors, else `ok`."""

    def on_operation(self):
        yield
        ctx = self.execution_context
        info = observed(getattr(ctx.context, "request", None))
        if info is None:
            return
        info.operation = operation_name(ctx)
        info.validated = ctx.graphql_document is not None and not ctx.pre_execution_errors
        result = ctx.result
        errors = list(getattr(result, "errors", None) or ctx.pre_execution_errors or [])
        codes = [classify(e) or MASKED_CODE for e in errors]
        info.error_codes = codes
        if MASKED_CODE in codes:
            info.outcome = "error"
        elif codes or _has_user_errors(getattr(result, "data", None)):
            info.outcome = "user_error"
        else:
            info.outcome = "ok"
