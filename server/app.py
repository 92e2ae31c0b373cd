"""Starlette application factory: GraphQL endpoint, /health, Tortoise lifecycle."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise

from domain.purchases import MAX_PHOTOS
from policies.authorizer import Authorizer
from server.auth import TokenVerifier
from server.authn import Authenticator
from server.budgets import Budgets
from server.downloads import bundle_route, download_route, generated_form_route, import_report_route
from server.graphiql import graphiql_routes
from server.graphql import build_schema
from server.graphql_view import SurveilGraphQL
from server.health import health, ready_route
from server.http_limits import MAX_JSON_BYTES, MULTIPART_OVERHEAD, BodyLimit
from server.limiter import SharedLimiter
from server.metrics import Metrics, metrics_route
from server.observe import Observability
from server.public_status import public_routes
from server.rate_limit import PublicRateLimit
from server.settings import Settings, load_settings
from services.calendar import build_calendar
from services.certificate_expiry import expiry_sweeps
from services.clock import use_time_zone
from services.context import ServiceConfig
from services.policy_sync import PolicySync
from store import bus as process_bus
from store.config import tortoise_config

log = logging.getLogger("surveil")
# A purchase carries a receipt and up to six photos; each file is checked against the limit again.
MAX_FILES_PER_REQUEST = 1 + MAX_PHOTOS


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """Browsers on these origins (SURVEIL_CORS_ORIGINS) may call the API; none when empty. Just inside
    Observability (a preflight gets its request id, log line and metric) and outside the limits, so a
    preflight is answered before any limit reads a body. Bearer tokens, never cookies: no
    credentials mode; downloads name their file in Content-Disposition."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
            expose_headers=["Content-Disposition", "X-Request-ID"],  # a front end quotes the id to support
            max_age=600,
        )
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    use_time_zone(settings.time_zone)  # one clock for the process: every calendar date is the service's
    sync = PolicySync(Authorizer())
    config = ServiceConfig(
        north_china=settings.north_china,
        document_dir=settings.document_dir,
        max_upload_bytes=settings.max_upload_bytes,
        max_import_rows=settings.max_import_rows,
        lab_turnaround_working_days=settings.lab_turnaround_working_days,
        correction_months=settings.correction_months,
        suspension_months=settings.suspension_months,
        calendar=build_calendar(settings.holidays_file),
        production=settings.production,
    )
    authenticator = Authenticator(TokenVerifier(settings), sync, config, settings)
    metrics = Metrics()
    graphql_app = SurveilGraphQL(build_schema(settings), settings, authenticator)

    bus = process_bus.connect(settings.redis_url, settings.redis_namespace)
    # Fair use (server/budgets.py) and the public pages' limit share one limiter (Redis or memory).
    limiter = SharedLimiter(
        settings.redis_url,
        settings.redis_namespace,
        lambda scope: metrics.limits_unavailable.labels("public" if scope == "public" else "graphql").inc(),
    )

    # In memory, the public pages count their clients apart: anyone cycling addresses could
    # otherwise push the signed-in people's spent budgets out of the bounded store.
    public_limiter = limiter if limiter.shared else SharedLimiter(None, settings.redis_namespace)
    public_limit = PublicRateLimit(settings.public_rate_limit, settings.trusted_proxies, public_limiter)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        process_bus.install(bus)
        await bus.start()  # Redis may be away: the process starts anyway and joins it later
        try:
            async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
                await sync.refresh(force=True)
                await sync.follow(bus)  # policy changes announced by any process (server/cli_serve.py)
                try:
                    async with expiry_sweeps():  # at start-up, then hourly; idempotent in every process
                        yield
                finally:
                    await sync.stop_following()
        finally:
            await bus.close()
            await limiter.close()
            if public_limiter is not limiter:
                await public_limiter.close()

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/ready", ready_route(settings.document_dir)),
            Route("/metrics", metrics_route(metrics, settings)),
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),  # subscriptions (graphql-transport-ws)
            Route("/documents/{document_id:int}", download_route(authenticator), methods=["GET"]),
            Route("/archive/{task_id}.zip", bundle_route(authenticator), methods=["GET"]),
            Route("/tasks/{task_id}/forms/{form}.pdf", generated_form_route(authenticator), methods=["GET"]),
            Route("/imports/reports/{token}", import_report_route(authenticator), methods=["GET"]),
            *public_routes(settings, public_limit),
            *graphiql_routes(settings.graphiql),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(Observability, metrics=metrics),  # outermost: ids, the log line and metrics for all
            *cors(settings.cors_origins),  # preflights answered before any limit reads a body
            Middleware(
                BodyLimit,
                json_limit=MAX_JSON_BYTES,
                multipart_limit=settings.max_upload_bytes * MAX_FILES_PER_REQUEST + MULTIPART_OVERHEAD,
                idle_seconds=settings.body_idle_seconds,
                grace_seconds=settings.body_grace_seconds,
                min_rate=settings.body_min_rate,
            ),
        ],
    )
    app.state.settings = settings
    app.state.policy_sync = sync
    app.state.metrics = metrics
    app.state.bus = bus
    app.state.budgets = Budgets(settings, limiter)
    return app


def app_from_environment() -> Starlette:
    """The factory each process of `surveil serve --workers N` calls (server/cli_serve.py): the
    settings its parent validated and passed on through the environment."""
    from server.logs import configure_logging

    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
