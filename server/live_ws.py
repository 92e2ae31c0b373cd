"""GraphQL subscriptions over graphql-transport-ws on `/graphql` (issue G): authentication in
`connection_init` (`{"Authorization": "Bearer <token>"}`, or `authorization`), checked with the
HTTP endpoint's Authenticator and again at every event; limits per connection and per user;
an idle timeout; refusals while the bus (Redis) is away.

Close codes: 4400 malformed message (that connection only), 4401 subscribe before the ack,
4403 no valid token in `connection_init`, 4408 no `connection_init` in time, 4429 a second
`connection_init`, 1013 live updates unavailable (Redis away: try again later), 1000 idle
(no subscription for SURVEIL_SUBSCRIPTION_IDLE_SECONDS).

The per-user limit counts this process's connections (each process of a deployment enforces it
on its own: with N processes a user may hold up to N times the limit)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref

from graphql import GraphQLError
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

from server.auth import AuthError
from server.http_refusals import HttpRefusal, reason_in
from store import bus

UNAVAILABLE = 1013  # RFC 6455 "try again later"
UNAVAILABLE_REASON = "live updates are unavailable: try again later"
IDLE_REASON = "closed: no subscription for {seconds} seconds"
_handlers: weakref.WeakSet[SurveilTransportWS] = weakref.WeakSet()


class SurveilWebSocketAdapter(ASGIWebSocketAdapter):
    async def iter_json(self, *, ignore_parsing_errors: bool = False):
        """The endpoint's JSON checks refuse with HttpRefusal: for the protocol that is 4400."""
        messages = super().iter_json(ignore_parsing_errors=ignore_parsing_errors)
        while True:
            try:
                message = await anext(messages)
            except StopAsyncIteration:
                return
            except HttpRefusal as exc:
                raise NonJsonMessageReceived from exc
            yield message


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
        settings = self.view.settings
        problem = None
        if len(message["payload"]["query"]) > settings.max_query_chars:
            limit = settings.max_query_chars
            problem = HttpRefusal(413, "a GraphQL document is limited to {limit} characters", limit=limit)
        elif self.user_id is not None and _subscriptions_of(self.user_id) >= settings.max_subscriptions_per_user:
            limit = settings.max_subscriptions_per_user
            problem = HttpRefusal(429, "at most {limit} subscriptions per user at once", limit=limit)
        if problem is not None and self.connection_acknowledged and message["id"] not in self.operations:
            reason = reason_in(problem, self.context.language)
            error = GraphQLError(reason, extensions={"code": "LIMIT_EXCEEDED"})
            await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
            return
        await super().handle_subscribe(message)


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
