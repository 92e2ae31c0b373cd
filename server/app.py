"""Starlette application factory: GraphQL endpoint, /health, Tortoise lifecycle."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET
from tortoise.contrib.starlette import RegisterTortoise

from domain.purchases import MAX_PHOTOS
from policies.authorizer import Authorizer
from resolvers.context import GraphQLContext
from server.auth import AuthError, TokenVerifier
from server.authn import Authenticator
from server.downloads import bundle_route, download_route
from server.graphql import build_schema
from server.http_limits import MAX_JSON_BYTES, MULTIPART_OVERHEAD, BodyLimit, request_error_body
from server.settings import Settings, load_settings
from services.calendar import build_calendar
from services.certificate_expiry import expiry_sweeps
from services.context import ServiceConfig
from services.policy_sync import PolicySync
from store.config import tortoise_config

log = logging.getLogger("surveil")
# A purchase carries a receipt and up to six photos; each file is checked against the limit again.
MAX_FILES_PER_REQUEST = 1 + MAX_PHOTOS
MAX_JSON_NESTING = 32  # the deepest real input (a purchase's samples) is 5 levels
JSON = "application/json"


class SurveilGraphQL(GraphQL):
    def __init__(self, schema, settings: Settings, authenticator: Authenticator) -> None:
        # Multipart uploads are safe to enable: authentication is a bearer header, never a
        # cookie, so a cross-site form cannot act as a signed-in user (no CSRF).
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None, multipart_uploads_enabled=True)
        self.settings = settings
        self.authenticator = authenticator

    def decode_json(self, data: str | bytes) -> object:
        """Every JSON the endpoint reads (a body, multipart `operations` and `map`, GET
        `variables`) is an object of plain text, nested no deeper than any real request."""
        try:
            decoded = super().decode_json(data)
        except UnicodeDecodeError:
            raise HTTPException(400, "the request body must be UTF-8 JSON") from None
        except RecursionError:
            raise HTTPException(400, f"JSON nested deeper than {MAX_JSON_NESTING} levels") from None
        if not isinstance(decoded, dict):
            raise HTTPException(400, "a GraphQL request must be a JSON object")
        problem = json_problem(decoded)
        if problem:
            raise HTTPException(400, problem)
        return decoded

    async def run(self, request, context=UNSET, root_value=UNSET):
        """Refusals before GraphQL runs answer in GraphQL's error shape, not plain text."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            return Response(request_error_body(exc.status_code, exc.reason), exc.status_code, media_type=JSON)

    async def get_context(self, request: Request, response) -> GraphQLContext:
        sync = self.authenticator.sync
        try:
            session = await self.authenticator.session(request)
        except AuthError as exc:
            return GraphQLContext(session=None, sync=sync, request=request, auth_error=str(exc))
        return GraphQLContext(session=session, sync=sync, request=request)


def json_problem(value: object) -> str | None:
    """Why decoded request JSON is unusable, or None. Lone UTF-16 surrogates are legal JSON
    escapes but not text: no layer below (ORM, database driver, audit hash) can encode them.
    Walked without recursion, so a deep document cannot exhaust the stack here."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_JSON_NESTING:
            return f"JSON nested deeper than {MAX_JSON_NESTING} levels"
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return "request text must be valid Unicode (lone surrogate found)"
        elif isinstance(item, dict):
            pending.extend((k, depth) for k in item)
            pending.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            pending.extend((v, depth + 1) for v in item)
    return None


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
        middleware=[
            Middleware(
                BodyLimit,
                json_limit=MAX_JSON_BYTES,
                multipart_limit=settings.max_upload_bytes * MAX_FILES_PER_REQUEST + MULTIPART_OVERHEAD,
            )
        ],
    )
    app.state.settings = settings
    app.state.policy_sync = sync
    return app
