"""Issue 15 (F), round 2 attack, fixed: the compose files run the demo as they say, services without
HTTP keep no API healthcheck, /metrics answers with the database away and keeps its labels for
signed-in operations, every response (a preflight, an unexpected 500) carries its request id, uvicorn's
colour codes stay out of the JSON log, GraphiQL's errors keep its headers."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
import pytest

from tests.api.test_process_logs import _start, _stop, _wait_until_up
from tests.deploy.test_compose import load, resolved
from tests.security.test_configuration import ROOT, surveil
from tests.services.notice_support import free_port


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_anonymous_valid_documents_cannot_take_the_operation_labels(app, api):
    """Round 1 kept invalid documents out of the labels; a client without a token still fills all 200 slots
    with valid `query JunkN { __typename }`, and every real operation after that counts as `other`."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for i in range(200):
            await http.post("/graphql", json={"query": f"query Junk{i} {{ __typename }}"})
        await api.post("query ListFactories { __typename }", as_user="east.planner")  # a real operation
        text = (await http.get("/metrics")).text
    assert 'operation="ListFactories"' in text
    assert 'operation="Junk0"' not in text


def _mail_sink_environment() -> dict[str, str]:
    """The mail service of compose.dev.yml as the container runs it: the image's ENV, its own environment."""
    service = load("compose.dev.yml")["services"]["mail"]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "SURVEIL_ENV": "production"}  # Dockerfile ENV
    env.update({k: str(v) for k, v in (service.get("environment") or {}).items()})
    assert "env_file" not in service  # else the test would have to read .env.example too
    return env


def test_the_demo_mail_sink_starts_as_compose_runs_it(tmp_path):
    """compose.dev.yml's `mail` service runs `surveil mail-sink` with the image's SURVEIL_ENV=production and
    no sign-in settings: it exits 2 on the production checks, restarts for ever, the demo worker's mail fails."""
    ready = tmp_path / "listening"
    port = str(free_port())  # aiosmtpd's Controller checks that it listens by connecting: never port 0
    command = [sys.executable, "-m", "server.cli", "mail-sink", "--port", port, "--folder", str(tmp_path / "mail")]
    proc = subprocess.Popen(
        [*command, "--ready-file", str(ready)], cwd=tmp_path, env=_mail_sink_environment(), stderr=subprocess.PIPE
    )
    try:
        for _ in range(100):  # until it listens or exits
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                if ready.exists():
                    break
        assert proc.poll() is None, proc.stderr.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_demo_service_keeps_any_password_out_of_its_url():
    """compose.dev.yml's `demo` puts POSTGRES_PASSWORD raw into DATABASE_URL (the API passes it apart since
    a7beed9, and .env.example promises any characters): `p@ss/word` points the demo at another host."""
    demo = load("compose.dev.yml")["services"]["demo"]
    url = resolved(demo["environment"]["DATABASE_URL"], {"POSTGRES_PASSWORD": "p@ss/w?rd"})
    assert urlsplit(url).hostname == "db", url


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_cors_preflight_is_observed(settings):
    """CORS sits outside Observability: a preflight, allowed or refused, gets no X-Request-ID (issue 15: "echoed in
    every response"), no log line and no metric, so an operator cannot see why a browser front end is refused."""
    import dataclasses

    from server.app import create_app

    app = create_app(dataclasses.replace(settings, cors_origins=("https://app.example.org",)))
    transport = httpx.ASGITransport(app=app)
    headers = {"origin": "https://evil.example.org", "access-control-request-method": "POST"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        refused = await http.options("/graphql", headers=headers)
    assert refused.status_code == 400
    assert "x-request-id" in refused.headers, dict(refused.headers)


@pytest.mark.parametrize("service", ["worker", "migrate"])
def test_services_without_http_do_not_inherit_the_api_healthcheck(service):
    """The Dockerfile's HEALTHCHECK (GET 127.0.0.1:8000/ready) is inherited by every service of the image: the
    worker, which listens on no port, is reported unhealthy for ever (and restarted by any autoheal/swarm)."""
    assert "127.0.0.1:8000/ready" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    services = load("docker-compose.yml")["services"]
    assert "healthcheck" in services[service], f"{service} keeps the API's healthcheck"


@asynccontextmanager
async def database_away(world_url: str):
    """The world's PostgreSQL database refuses every connection (the open ones are ended) until the block ends."""
    import asyncpg

    name = urlsplit(world_url).path.lstrip("/")
    admin = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres")
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


def _server_like(app) -> httpx.AsyncClient:
    """A client that sees what uvicorn would send: an exception in the app is a 500, not raised into the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 1))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_metrics_still_answer_while_the_database_is_away(app, world_url):
    """/metrics reads the pool and outbox gauges from the database on every scrape and lets the error escape: with
    PostgreSQL away the scrape is a 500 and Prometheus loses every series (the request errors included) exactly
    when they matter; the database gauges should go stale or be marked, the rest still be served."""
    async with _server_like(app) as http:
        assert (await http.get("/health")).status_code == 200
        async with database_away(world_url):
            ready = await http.get("/ready")
            scrape = await http.get("/metrics")
    assert ready.status_code == 503, ready.text  # the database is away indeed
    assert scrape.status_code == 200, scrape.text[:300]
    assert 'surveil_requests_total{operation="",outcome="ok",route="health"}' in scrape.text


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_an_unexpected_500_carries_the_request_id(app, world_url, caplog):
    """Starlette's ServerErrorMiddleware sits outside Observability: a 500 from an exception in the app (here a
    public page while the database is away; /metrics answers then) has no X-Request-ID, so the client has
    nothing to match in the log."""
    caplog.set_level(logging.INFO, logger="surveil.request")
    async with _server_like(app) as http, database_away(world_url):
        failed = await http.get("/public/certificates/CN-2026-0001")
    assert failed.status_code == 500
    assert "x-request-id" in failed.headers, dict(failed.headers)
    assert "connections" not in failed.text and "Error" not in failed.text.replace("Internal Server Error", "")
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == failed.headers["x-request-id"]]
    assert any(r.exc_info for r in logged) and any(getattr(r, "status", None) == 500 for r in logged)


def _demo_stack_environment(service: str) -> dict[str, str]:
    """What `surveil` sees in `service` of `docker compose -f docker-compose.yml -f compose.dev.yml`, with .env
    copied from .env.example and only POSTGRES_PASSWORD filled in (as compose.dev.yml's header says): the image's
    ENV, then the env file, then the merged `environment` maps (compose's order of precedence)."""
    from dotenv import dotenv_values

    dotenv = {k: v or "" for k, v in dotenv_values(ROOT / ".env.example").items()} | {"POSTGRES_PASSWORD": "pw"}
    env = {"SURVEIL_ENV": "production", "SURVEIL_DOCUMENT_DIR": "/var/lib/surveil/documents"}  # Dockerfile ENV
    for name in ("docker-compose.yml", "compose.dev.yml"):
        definition = load(name)["services"].get(service, {})
        if definition.get("env_file"):
            env.update(dotenv)
        for key, value in (definition.get("environment") or {}).items():
            env[key] = resolved(str(value), dotenv)
    return env


@pytest.mark.parametrize("service", ["migrate"])
def test_the_demo_stack_starts_with_the_env_example(tmp_path, service):
    """compose.dev.yml turns api, worker and demo to development but not `migrate`: with .env from .env.example
    (SURVEIL_ENV=production, no sign-in configured) the migrate job refuses its settings and exits 2, so api,
    worker and demo (all waiting for it to complete successfully) never start: the demo does not come up."""
    env = _demo_stack_environment(service)
    env["DATABASE_URL"] = "sqlite://db.sqlite3"  # config check opens no database; `db` does not resolve here
    env.pop("DATABASE_PASSWORD", None)
    result = surveil(["config", "check"], tmp_path, **env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("service", ["mail", "demo"])
def test_the_demo_services_without_http_disable_the_api_healthcheck(service):
    """compose.dev.yml's mail sink (port 8025) and one-shot demo job run the image too: its check asks :8000."""
    assert load("compose.dev.yml")["services"][service]["healthcheck"] == {"disable": True}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_an_allowed_preflight_is_observed_and_normal_responses_still_expose_the_id(settings, caplog):
    import dataclasses

    from server.app import create_app

    caplog.set_level(logging.INFO, logger="surveil.request")
    app = create_app(dataclasses.replace(settings, cors_origins=("https://app.example.org",)))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    origin = {"origin": "https://app.example.org"}
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        allowed = await http.options("/graphql", headers={**origin, "access-control-request-method": "POST"})
        normal = await http.post("/graphql", json={"query": "{ __typename }"}, headers=origin)
        text = (await http.get("/metrics")).text
    assert allowed.status_code == 200 and "x-request-id" in allowed.headers
    assert "x-request-id" in normal.headers["access-control-expose-headers"].lower()
    [line] = [r for r in caplog.records if getattr(r, "request_id", None) == allowed.headers["x-request-id"]]
    assert line.method == "OPTIONS" and line.status == 200
    assert 'surveil_requests_total{operation="other",outcome="ok",route="graphql"}' in text


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_database_gauges_are_marked_while_it_is_away_and_back_after(app, world_url, caplog):
    async with _server_like(app) as http:
        before = (await http.get("/metrics")).text
        async with database_away(world_url):
            away = [(await http.get("/metrics")).text for _ in range(2)]
        back = (await http.get("/metrics")).text
    assert "surveil_db_up 1.0" in before and "surveil_outbox_events_pending " in before
    for text in away:
        assert "surveil_db_up 0.0" in text and "surveil_outbox_events_pending" not in text
        assert "surveil_db_pool_connections" in text  # read from the pool, not the database
    assert "surveil_db_up 1.0" in back and "surveil_outbox_events_pending " in back
    warned = [r for r in caplog.records if r.name == "surveil.metrics" and r.levelno == logging.WARNING]
    assert len(warned) == 1  # once per outage, not per scrape


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_the_json_log_carries_no_terminal_colour_codes(world_url, tmp_path):
    """uvicorn adds `color_message` (its message with ANSI escapes) to its start-up lines."""
    port = free_port()
    process = _start(world_url, tmp_path, "serve", "--port", str(port))
    try:
        _wait_until_up(port, process)
    finally:
        lines = _stop(process)
    assert any(line.get("logger", "").startswith("uvicorn") for line in lines), lines
    for line in lines:
        assert "color_message" not in line and "\x1b" not in json.dumps(line, ensure_ascii=False), line


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_graphiql_errors_keep_its_headers(settings):
    """A missing file (404) or another method (405) under /graphiql/ must not be sniffed or run either."""
    import dataclasses

    from server.app import create_app
    from server.graphiql import HEADERS

    app = create_app(dataclasses.replace(settings, graphiql=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        missing = await http.get("/graphiql/no-such-file.js")
        posted = await http.post("/graphiql/graphiql.min.js")
    assert (missing.status_code, posted.status_code) == (404, 405)
    for response in (missing, posted):
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (response.status_code, name)
