"""Starlette application factory: GraphQL endpoint, /health, Tortoise lifecycle."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise

from domain.purchases import MAX_PHOTOS
from policies.authorizer import Authorizer
from resolvers.context import GraphQLContext
from server.auth import AuthError, TokenVerifier
from server.authn import Authenticator
from server.downloads import bundle_route, download_route
from server.graphql import build_schema
from server.settings import Settings, load_settings
from services.calendar import build_calendar
from services.certificate_expiry import expiry_sweeps
from services.context import ServiceConfig
from services.policy_sync import PolicySync
from store.config import tortoise_config

log = logging.getLogger("surveil")
MAX_JSON_BYTES = 1024 * 1024
# A purchase carries a receipt and up to six photos; each file is checked against the limit again.
MAX_FILES_PER_REQUEST = 1 + MAX_PHOTOS


class SurveilGraphQL(GraphQL):
    def __init__(self, schema, settings: Settings, authenticator: Authenticator) -> None:
        # Multipart uploads are safe to enable: authentication is a bearer header, never a
        # cookie, so a cross-site form cannot act as a signed-in user (no CSRF).
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None, multipart_uploads_enabled=True)
        self.settings = settings
        self.authenticator = authenticator

    def decode_json(self, data: str | bytes) -> object:
        """Lone UTF-16 surrogates are legal JSON escapes but not text: no layer below (ORM,
        database driver, audit hash) can encode them, so refuse them at the door."""
        decoded = super().decode_json(data)
        if _has_lone_surrogate(decoded):
            raise HTTPException(400, "request text must be valid Unicode (lone surrogate found)")
        return decoded

    async def parse_http_body(self, request):
        """Plain GraphQL requests are small: refuse a large JSON body before parsing it."""
        if "multipart" not in (request.content_type or ""):
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > MAX_JSON_BYTES:
                raise HTTPException(413, f"GraphQL requests are limited to {MAX_JSON_BYTES} bytes")
        return await super().parse_http_body(request)

    async def parse_multipart(self, request):
        """Refuse an oversized upload before reading it (the limit is checked again per file)."""
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            raise HTTPException(411, "uploads need a Content-Length")
        if int(length) > self.settings.max_upload_bytes * MAX_FILES_PER_REQUEST + 64 * 1024:
            raise HTTPException(
                413, f"uploads are limited to {MAX_FILES_PER_REQUEST} files of {self.settings.max_upload_bytes} bytes"
            )
        return await super().parse_multipart(request)

    async def get_context(self, request: Request, response) -> GraphQLContext:
        sync = self.authenticator.sync
        try:
            session = await self.authenticator.session(request)
        except AuthError as exc:
            return GraphQLContext(session=None, sync=sync, request=request, auth_error=str(exc))
        return GraphQLContext(session=session, sync=sync, request=request)


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
    config = ServiceConfig(
        north_china=settings.north_china,
        document_dir=settings.document_dir,
        max_upload_bytes=settings.max_upload_bytes,
        lab_turnaround_working_days=settings.lab_turnaround_working_days,
        correction_months=settings.correction_months,
        suspension_months=settings.suspension_months,
        calendar=build_calendar(settings.holidays_file),
    )
    authenticator = Authenticator(TokenVerifier(settings), sync, config)
    graphql_app = SurveilGraphQL(build_schema(settings), settings, authenticator)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            await sync.refresh(force=True)
            async with expiry_sweeps():  # at start-up, then hourly
                yield

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Route("/documents/{document_id:int}", download_route(authenticator), methods=["GET"]),
            Route("/archive/{task_id}.zip", bundle_route(authenticator), methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.policy_sync = sync
    return app
