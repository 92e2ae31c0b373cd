"""`surveil serve [--workers N]`: the GraphQL API as one process or N (uvicorn's worker model).

With N > 1 uvicorn's supervisor starts N processes on one socket; each builds its app through
`server.app:app_from_environment`. The parent reads and validates the settings once and passes
every value to the children through their environment, as it read them (a .env file changed
meanwhile changes nothing). Each process keeps its own policy in step (services/policy_sync.py:
pushed through Redis when REDIS_URL is set) and runs the hourly expiry sweep, which is
idempotent (services/certificate_expiry.py): a second sweep finds nothing left to do.
SQLite has a single writer, so several processes need PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from server.http_limits import MAX_JSON_BYTES
from server.rate_limit import parse_networks
from server.settings import ENV_NAMES, Settings

FACTORY = "server.app:app_from_environment"
log = logging.getLogger("surveil")


def proxy_options(settings) -> dict:
    """uvicorn's own proxy-header handling (it rewrites the client address and scheme from
    X-Forwarded-For/-Proto) for the peers in SURVEIL_TRUSTED_PROXIES only: left to itself it
    trusts 127.0.0.1 (or FORWARDED_ALLOW_IPS), and any local client could pick its address."""
    trusted = [str(network) for network in parse_networks(settings.trusted_proxies)]
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


def workers_problem(workers: int, database_url: str) -> str | None:
    if workers < 1:
        return f"--workers {workers}: give at least 1"
    if workers > 1 and database_url.strip().lower().startswith("sqlite"):
        return (
            f"--workers {workers} needs PostgreSQL: SQLite allows one writer at a time, so several API "
            "processes would wait on each other's locks; run one process (--workers 1) or set DATABASE_URL "
            "to PostgreSQL"
        )
    return None


def settings_environment(settings: Settings) -> dict[str, str]:
    """Every setting as the variable the children read (the environment wins over .env); unset
    optional ones (None) stay unset."""
    env = {}
    for name, variable in ENV_NAMES.items():
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[variable] = str(value)
    return env


def cmd_serve(args, settings) -> int:
    import uvicorn

    from store.readiness import check_ready

    stop_on_request()
    workers = settings.workers if args.workers is None else args.workers
    problem = workers_problem(workers, settings.database_url)
    if problem:
        print(f"surveil serve: {problem}", file=sys.stderr)
        return 2
    asyncio.run(check_ready(settings.database_url))
    options = dict(
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        # log_config=None: uvicorn's own records go through the JSON handler; the middleware writes
        # one line per request (server/observe.py), so uvicorn's access log would only repeat it.
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=args.graceful_seconds,
        # A websocket frame carries no more than an HTTP request (uvicorn would take 16 MiB).
        ws_max_size=MAX_JSON_BYTES,
        **proxy_options(settings),
    )
    if workers == 1:
        from server.app import create_app

        uvicorn.run(create_app(settings), **options)
        return 0
    if not settings.redis_url:
        log.warning("%d API processes without REDIS_URL: each checks for policy changes once a second", workers)
    # The supervisor takes SIGTERM/SIGINT: it stops each process gracefully (its requests in
    # flight finish, up to --graceful-seconds), waits for them all, and returns.
    os.environ.update(settings_environment(settings))
    uvicorn.run(FACTORY, factory=True, workers=workers, **options)
    return 0


def stop_on_request() -> None:
    """SIGTERM (docker stop, systemd, Kubernetes) is a requested stop, exit status 0. While
    uvicorn runs, its own handler takes SIGTERM: it stops accepting connections and lets the
    requests in flight finish (up to --graceful-seconds), then raises the signal again, which
    lands here once it has restored this handler. Before it starts, SIGTERM stops at once."""

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def add_serve_command(sub) -> None:
    serve = sub.add_parser("serve", help="run the GraphQL API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--graceful-seconds",
        type=float,
        default=30,
        help="on SIGTERM, how long requests in flight may take to finish (default 30; keep it under the "
        "orchestrator's stop timeout)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="API processes on the one port (default: SURVEIL_WORKERS, 1); more than one needs PostgreSQL, "
        "and REDIS_URL so that policy changes reach every process at once",
    )
    serve.set_defaults(fn=cmd_serve)
