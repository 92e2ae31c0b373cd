"""Starlette application factory: GraphQL endpoint, /health, Tortoise lifecycle."""

from __future__ import annotations

import logging
import uuid
from contextlib import asynccontextmanager

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise

from policies.authorizer import Authorizer
from resolvers.context import GraphQLContext
from server.auth import AuthError, TokenVerifier
from server.graphql import build_schema
from server.settings import Settings, load_settings
from services.context import Actor, ServiceConfig, Session
from services.policy_sync import PolicySync
from store.config import tortoise_config
from store.models import User

log = logging.getLogger("surveil")


class SurveilGraphQL(GraphQL):
    def __init__(self, schema, settings: Settings, sync: PolicySync) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.settings = settings
        self.sync = sync
        self.verifier = TokenVerifier(settings)
        self.config = ServiceConfig(north_china=settings.north_china)

    def decode_json(self, data: str | bytes) -> object:
        """Lone UTF-16 surrogates are legal JSON escapes but not text: no layer below (ORM,
        database driver, audit hash) can encode them, so refuse them at the door."""
        decoded = super().decode_json(data)
        if _has_lone_surrogate(decoded):
            raise HTTPException(400, "request text must be valid Unicode (lone surrogate found)")
        return decoded

    async def get_context(self, request: Request, response) -> GraphQLContext:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        header = request.headers.get("authorization", "")
        if not header:
            return GraphQLContext(session=None, sync=self.sync, request=request)
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token:
                raise AuthError("use the Authorization: Bearer <token> header")
            user_id = self.verifier.verify(token.strip())
            user = await User.filter(id=user_id, active=True).select_related("unit").first()
            if user is None:
                raise AuthError("the token's user is unknown or deactivated")
        except AuthError as exc:
            return GraphQLContext(session=None, sync=self.sync, request=request, auth_error=str(exc))
        await self.sync.refresh()
        actor = Actor(user_id=user.id, login=user.login, unit_code=user.unit.code, request_id=request_id)
        session = Session.for_actor(actor, self.sync.authorizer, self.config)
        return GraphQLContext(session=session, sync=self.sync, request=request)


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    sync = PolicySync(Authorizer())
    graphql_app = SurveilGraphQL(build_schema(settings), settings, sync)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            await sync.refresh(force=True)
            yield

    app = Starlette(
        routes=[Route("/health", health), Route("/graphql", graphql_app, methods=["GET", "POST"])],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.policy_sync = sync
    return app
