"""GraphQL subscriptions over graphql-transport-ws on `/graphql` (issue G): authentication in
`connection_init` (`{"Authorization": "Bearer <token>"}`, or `authorization`), checked with the
HTTP endpoint's Authenticator and again at every event; limits per connection and per user;
an idle timeout; refusals while the bus (Redis) is away.

Close codes: 4400 malformed message (that connection only), 4401 subscribe before the ack,
4403 no valid token in `connection_init`, 4408 no `connection_init` in time, 4429 a second
`connection_init`, 1013 live updates unavailable (Redis away: try again later), 1000 idle
(no subscription for SURVEIL_SUBSCRIPTION_IDLE_SECONDS), 1009 a frame too long: before the ack
longer than an anonymous HTTP request (MAX_ANONYMOUS_BYTES), after it longer than any HTTP JSON
body (MAX_JSON_BYTES, which is also uvicorn's `ws_max_size`); it is not decoded.

The websocket carries subscriptions only: a query or mutation sent as `subscribe` gets an
`error` (BAD_REQUEST) and goes to POST /graphql, where each request is signed in afresh. A
subscription re-checks its reader at every event and heartbeat (resolvers/subscriptions.py).

The per-user limit counts this process's connections (each process of a deployment enforces it
on its own: with N processes a user may hold up to N times the limit)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref

from graphql import GraphQLError, GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from server.auth import AuthError
from server.http_limits import MAX_ANONYMOUS_BYTES, MAX_JSON_BYTES
from server.http_refusals import HttpRefusal, reason_in
from store import bus

UNAVAILABLE = 1013  # RFC 6455 "try again later"
UNAVAILABLE_REASON = "live updates are unavailable: try again later"
IDLE_REASON = "closed: no subscription for {seconds} seconds"
TOO_BIG = 1009  # RFC 6455 "message too big", as uvicorn closes past ws_max_size
TOO_BIG_REASON = "a message is limited to {limit} bytes"
_handlers: weakref.WeakSet[SurveilTransportWS] = weakref.WeakSet()


class SurveilWebSocketAdapter(ASGIWebSocketAdapter):
    # Frames longer than this close the connection undecoded; raised once the connection is acked.
    frame_limit = MAX_ANONYMOUS_BYTES

    async def iter_json(self, *, ignore_parsing_errors: bool = False):
        """Each frame's JSON, once its length is checked. The endpoint's JSON checks refuse with
        HttpRefusal: for the protocol that is 4400."""
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if _longer_than(text, self.frame_limit):
                    await self.close(TOO_BIG, TOO_BIG_REASON.format(limit=self.frame_limit))
                    return
                try:
                    message = self.view.decode_json(text)
                except HttpRefusal as exc:
                    raise NonJsonMessageReceived from exc
                yield message
        except KeyError as exc:  # a binary frame
            raise NonTextMessageReceived from exc
        except WebSocketDisconnect:
            pass


def _longer_than(text: str, limit: int) -> bool:
    """Whether `text` takes more than `limit` bytes as UTF-8 (encoded only when it might)."""
    return len(text) > limit or (len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit)


def _subscriptions_of(user_id: int) -> int:
    return sum(len(h.operations) for h in tuple(_handlers) if h.user_id == user_id)


class SurveilTransportWS(BaseGraphQLTransportWSHandler):
    user_id: int | None = None

    async def handle(self) -> None:
        if not bus.current().available:
            await self.websocket.close(UNAVAILABLE, UNAVAILABLE_REASON)
            return
        _handlers.add(self)
        idle = asyncio.create_task(self._close_when_idle())
        try:
            await super().handle()
        finally:
            idle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await idle

    async def _close_when_idle(self) -> None:
        limit = self.view.settings.subscription_idle_seconds
        last_active = time.monotonic()
        while True:
            await asyncio.sleep(max(limit / 4, 0.05))
            if self.operations:
                last_active = time.monotonic()
            elif time.monotonic() - last_active >= limit:
                await self.websocket.close(1000, IDLE_REASON.format(seconds=f"{limit:g}"))
                return

    async def handle_message(self, message) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message("a message must be an object with a `type`")
            return
        if message["type"] == "subscribe" and not _valid_subscribe(message):
            await self.handle_invalid_message("a subscribe message needs an `id` and a `payload` with a `query`")
            return
        await super().handle_message(message)

    async def handle_connection_init(self, message) -> None:
        payload = message.get("payload") or {}
        if isinstance(payload, dict) and not self.connection_init_received and not self.connection_timed_out:
            header = payload.get("Authorization") or payload.get("authorization") or ""
            reason = await self._sign_in(header if isinstance(header, str) else "")
            if reason is not None:
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                self.connection_init_received = True
                await self.websocket.close(4403, reason[:120])
                return
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self.websocket.frame_limit = MAX_JSON_BYTES

    async def _sign_in(self, header: str) -> str | None:
        """Why the token does not sign in, or None once the context holds its session."""
        authenticator = self.view.authenticator
        headers = self.context.request.headers
        try:
            session = await authenticator.session_for(header, headers)
        except AuthError as exc:
            return str(exc)
        if session is None:
            return "connection_init must carry Authorization: Bearer <token>"

        async def reauthenticate():
            try:
                return await authenticator.session_for(header, headers)
            except AuthError:
                return None

        self.user_id = session.actor.user_id
        self.context.session = session
        self.context.reauthenticate = reauthenticate
        return None

    async def handle_subscribe(self, message) -> None:
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # 4401 / 4409
            return
        problem = self._refusal(message["payload"])
        if problem is None:
            await super().handle_subscribe(message)
            return
        code = "BAD_REQUEST" if problem.status_code == 400 else "LIMIT_EXCEEDED"
        error = GraphQLError(reason_in(problem, self.context.language), extensions={"code": code})
        await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})

    def _refusal(self, payload: dict) -> HttpRefusal | None:
        """Why this `subscribe` is refused before strawberry sees it, or None."""
        settings = self.view.settings
        if len(payload["query"]) > settings.max_query_chars:
            limit = settings.max_query_chars
            return HttpRefusal(413, "a GraphQL document is limited to {limit} characters", limit=limit)
        limit = self.max_subscriptions_per_connection
        if limit is not None and len(self.operations) >= limit:
            return HttpRefusal(429, "at most {limit} subscriptions per connection at once", limit=limit)
        if self.user_id is not None and _subscriptions_of(self.user_id) >= settings.max_subscriptions_per_user:
            limit = settings.max_subscriptions_per_user
            return HttpRefusal(429, "at most {limit} subscriptions per user at once", limit=limit)
        if _operation_type(payload["query"], payload.get("operationName")) in (
            OperationType.QUERY,
            OperationType.MUTATION,
        ):
            return HttpRefusal(
                400, "the websocket carries subscriptions only: send queries and mutations to POST /graphql"
            )
        return None


def _operation_type(query: str, name: str | None) -> OperationType | None:
    """The type of the operation a document selects (`operationName`, or its only one); None when
    it does not parse or selects none (strawberry answers those as before)."""
    try:
        document = parse(query)
    except (GraphQLSyntaxError, RecursionError):
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        operations = [o for o in operations if o.name is not None and o.name.value == name]
    return operations[0].operation if len(operations) == 1 else None


def _valid_subscribe(message: dict) -> bool:
    payload = message.get("payload")
    return (
        isinstance(message.get("id"), str)
        and isinstance(payload, dict)
        and isinstance(payload.get("query"), str)
        and isinstance(payload.get("variables") or {}, dict)
        and isinstance(payload.get("operationName") or "", str)
    )


__all__ = ["SurveilTransportWS", "SurveilWebSocketAdapter"]
