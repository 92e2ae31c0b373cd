"""What every HTTP request gets before any route sees it: a body size limit counted as the
bytes arrive, and refusals shaped like GraphQL errors.

A Content-Length header is only a claim: a chunked body has none, and a client may send more
than it announced. So the limit is enforced on the bytes themselves, for every route."""

from __future__ import annotations

import asyncio
import json

from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import msg
from services.i18n import accept_language_of, choose_language
from services.i18n.errors import render

MAX_JSON_BYTES = 1024 * 1024
MAX_ANONYMOUS_BYTES = 4096  # what a caller without a token may send: `{ __typename }` and a token
MULTIPART_OVERHEAD = 64 * 1024  # field names, boundaries, the operations and map parts

REQUEST_ERROR_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    411: "LENGTH_REQUIRED",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
}


def request_error_body(status: int, message: str) -> bytes:
    """A refusal in the shape every GraphQL client already parses."""
    code = REQUEST_ERROR_CODES.get(status, "BAD_REQUEST")
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()


def scope_language(scope: Scope) -> str:
    """The language of the request's Accept-Language (repeated headers joined), else Chinese:
    for a refusal made before, or without, a session."""
    return choose_language(None, accept_language_of(Headers(scope=scope)))


def in_language(scope: Scope, template: str, **params: object) -> str:
    """A refusal's text in the request's language (no session is known this early)."""
    return render(template, params, scope_language(scope))


async def send_request_error(send: Send, status: int, message: str) -> None:
    body = request_error_body(status, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised from `receive` once a body passes its limit (not a ValueError: no parser may
    mistake it for malformed input and carry on)."""


class BodyTooSlow(Exception):
    """A body that stalls, or trickles in slower than any real client sends (slowloris)."""


class BodyLimit:
    """ASGI middleware: JSON and other bodies up to `json_limit` bytes, multipart uploads up
    to `multipart_limit`. Over the limit, the request gets a 413 and the rest is not read.
    A body that stops for `idle_seconds`, or averages under `min_rate` bytes a second once
    `grace_seconds` have passed, gets a 408: a connection is not held open by a trickle."""

    def __init__(
        self, app: ASGIApp, *, json_limit: int, multipart_limit: int,
        idle_seconds: float = 30, grace_seconds: float = 10, min_rate: int = 1024,
    ) -> None:  # fmt: skip
        self.app = app
        self.json_limit = json_limit
        self.multipart_limit = multipart_limit
        self.idle_seconds, self.grace_seconds, self.min_rate = idle_seconds, grace_seconds, min_rate

    def _limit(self, scope: Scope) -> tuple[int, str]:
        headers = dict(scope.get("headers") or ())
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/"):
            text = msg("uploads are limited to {limit} bytes per request")
            return self.multipart_limit, in_language(scope, text, limit=self.multipart_limit)
        return self.json_limit, in_language(
            scope, msg("request bodies are limited to {limit} bytes"), limit=self.json_limit
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self._limit(scope)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await send_request_error(send, 413 if declared.isdigit() else 400, message)
            return

        received = 0
        started = False
        body_done = False
        loop = asyncio.get_running_loop()
        began = loop.time()

        async def counting_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # later calls wait for a disconnect while a response streams
                return await receive()
            try:
                msg = await asyncio.wait_for(receive(), timeout=self.idle_seconds)
            except TimeoutError:
                raise BodyTooSlow from None
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                body_done = not msg.get("more_body", False)
                if received > limit:
                    raise BodyTooLarge(message)
                elapsed = loop.time() - began
                if not body_done and elapsed > self.grace_seconds and received < elapsed * self.min_rate:
                    raise BodyTooSlow
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_request_error(send, 413, message)
        except BodyTooSlow:
            if not started:
                await send_request_error(send, 408, in_language(scope, msg("the request body arrived too slowly")))
        except ClientDisconnect:
            pass  # the client left mid-body: nobody to answer, nothing worth a traceback
