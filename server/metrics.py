"""`/metrics` in Prometheus text format (README, Operations).

Counted per request by the middleware (server/observe.py): requests by route, GraphQL operation
and outcome, their latency, GraphQL errors by code. Read when scraped: the database pool and
the notices outbox backlog (two small queries, on the scrape only, never per request). With the
database away the scrape still answers: `surveil_db_up` is 0 and the two gauges the queries
read are left out (never a stale value), the failure logged once until it reads again.

Protection: with `SURVEIL_METRICS_TOKEN` set, every scrape must send it as a bearer token.
Without it, development answers loopback clients only, and production answers nobody: behind a
reverse proxy on the same host every client looks like loopback, so production trusts only the
token."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.connection import get_connection
from tortoise.functions import Count

from server.settings import Settings
from store.models import NoticeDelivery, OutboxEvent

log = logging.getLogger("surveil.metrics")
MAX_OPERATIONS = 200  # distinct names of signed-in valid operations kept as labels; later new ones count as "other"
DB_READ_SECONDS = 5  # under Prometheus' default scrape timeout (10 s): a hung database still gets an answer
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """One registry per app (a test creates many apps; a server, one)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "surveil_requests", "HTTP requests by route, GraphQL operation name and outcome",
            ["route", "operation", "outcome"], registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "surveil_request_duration_seconds", "Time to answer a request, by route", ["route"],
            buckets=BUCKETS, registry=r,
        )  # fmt: skip
        self.errors = Counter("surveil_graphql_errors", "GraphQL errors by code", ["code"], registry=r)
        self.pool = Gauge("surveil_db_pool_connections", "Database connections by kind", ["kind"], registry=r)
        self.db_up = Gauge("surveil_db_up", "1 when the last scrape could read the database, else 0", registry=r)
        self.read = CollectorRegistry()  # what the scrape reads from the database: left out while it fails
        self.outbox = Gauge("surveil_outbox_events_pending", "Outbox events not fanned out yet", registry=self.read)
        self.deliveries = Gauge(
            "surveil_notice_deliveries", "Notice deliveries by status", ["status"], registry=self.read
        )
        self.limits_unavailable = Counter(
            "surveil_rate_limit_unavailable", "Requests let through unchecked: the limits' store was unavailable",
            ["limiter"], registry=r,
        )  # fmt: skip
        self._operations: set[str] = set()
        self._readable: bool | None = None  # None: not scraped yet

    def operation_label(self, name: str, validated: bool, signed_in: bool) -> str:
        """A name only for a document that parsed, validated and ran for a signed-in caller: anyone
        can send documents with made-up names, and they must not take the label slots (a caller
        without a token counts as `signed_out`)."""
        if not validated:
            return "other"
        if not signed_in:
            return "signed_out"
        if not name:
            return "anonymous"
        if name in self._operations or len(self._operations) < MAX_OPERATIONS:
            self._operations.add(name)
            return name
        return "other"

    def observe(self, route: str, operation: str, outcome: str, seconds: float, codes: list[str]) -> None:
        self.requests.labels(route, operation, outcome).inc()
        self.latency.labels(route).observe(seconds)
        for code in codes:
            self.errors.labels(code).inc()

    async def refresh(self) -> None:
        """The values read at scrape time; a database that cannot be read is marked, never an error."""
        self._pool()
        try:
            async with asyncio.timeout(DB_READ_SECONDS):
                await self._read()
        except Exception:  # away, refusing, timed out: every other series is still served
            if self._readable is not False:
                log.warning("the database cannot be read: its gauges are left out", exc_info=True)
            self._readable = False
        else:
            if self._readable is False:
                log.info("the database can be read again")
            self._readable = True
        self.db_up.set(1 if self._readable else 0)

    def _pool(self) -> None:
        conn = get_connection("default")
        pool = getattr(conn, "_pool", None)
        if hasattr(conn, "pool_maxsize"):  # PostgreSQL (asyncpg)
            self.pool.labels("configured_max").set(conn.pool_maxsize)
            self.pool.labels("configured_min").set(conn.pool_minsize)
            self.pool.labels("open").set(pool.get_size() if pool is not None else 0)
            self.pool.labels("idle").set(pool.get_idle_size() if pool is not None else 0)
        else:  # SQLite: one connection
            self.pool.labels("configured_max").set(1)

    async def _read(self) -> None:
        self.outbox.set(await OutboxEvent.filter(fanned_out_at__isnull=True).count())
        rows = await NoticeDelivery.all().annotate(n=Count("id")).group_by("status").values("status", "n")
        for labels in list(self.deliveries._metrics):  # a status with no rows left reads 0
            self.deliveries.labels(*labels).set(0)
        for row in rows:
            self.deliveries.labels(row["status"]).set(row["n"])

    def text(self) -> bytes:
        read = generate_latest(self.read) if self._readable else b""
        return generate_latest(self.registry) + read


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed(request: Request, settings: Settings) -> tuple[int, str] | None:
    """None when the scrape may be answered, else (status, reason)."""
    token = settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # Starlette decodes header bytes as Latin-1: back to the bytes sent, compared with the token's UTF-8.
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("latin-1"), token.encode()):
            return None
        return 401, "send SURVEIL_METRICS_TOKEN as a bearer token"
    if settings.production:
        return 403, "set SURVEIL_METRICS_TOKEN to enable /metrics in production"
    if not _loopback(request):
        return 403, "without SURVEIL_METRICS_TOKEN only loopback clients may read /metrics"
    return None


def metrics_route(metrics: Metrics, settings: Settings):
    async def scrape(request: Request) -> Response:
        refused = allowed(request, settings)
        if refused is not None:
            status, reason = refused
            return JSONResponse({"error": reason}, status, headers={"www-authenticate": "Bearer"})
        await metrics.refresh()
        return Response(metrics.text(), media_type=CONTENT_TYPE_LATEST)

    return scrape
