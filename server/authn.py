"""Turning a request's bearer token into a service Session (shared by every route)."""

from __future__ import annotations

import uuid

from starlette.requests import Request

from server.auth import AuthError, TokenVerifier
from services.context import Actor, ServiceConfig, Session
from services.policy_sync import PolicySync
from store.models import User


class Authenticator:
    def __init__(self, verifier: TokenVerifier, sync: PolicySync, config: ServiceConfig) -> None:
        self.verifier = verifier
        self.sync = sync
        self.config = config

    async def session(self, request: Request) -> Session | None:
        """None without an Authorization header; AuthError for a bad one."""
        header = request.headers.get("authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("use the Authorization: Bearer <token> header")
        user_id = self.verifier.verify(token.strip())
        user = await User.filter(id=user_id, active=True).select_related("unit").first()
        if user is None:
            raise AuthError("the token's user is unknown or deactivated")
        await self.sync.refresh()
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        actor = Actor(user_id=user.id, login=user.login, unit_code=user.unit.code, request_id=request_id)
        return Session.for_actor(actor, self.sync.authorizer, self.config)
