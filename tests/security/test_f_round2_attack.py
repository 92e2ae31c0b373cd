"""Attack on issue 15 (F), round 2: settings and commands an operator runs, /metrics labels,
schema governance, the compose files. Each test pins a defect and fails until it is fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import httpx
import pytest

from tests.deploy.test_compose import load, resolved
from tests.security.test_configuration import ROOT, surveil

SQLITE = {"DATABASE_URL": "sqlite://db.sqlite3"}


REDIS_URLS = ["redis://cache:notaport/0", "redis://cache:99999/0", "redis://cache:6379/0?socket_timeout=abc"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_anonymous_valid_documents_cannot_take_the_operation_labels(app):
    """Round 1 kept invalid documents out of the labels; a client without a token still fills all 200 slots
    with valid `query JunkN { __typename }`, and every real operation after that counts as `other`."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for i in range(200):
            await http.post("/graphql", json={"query": f"query Junk{i} {{ __typename }}"})
        await http.post("/graphql", json={"query": "query ListFactories { __typename }"})
        text = (await http.get("/metrics")).text
    assert 'operation="ListFactories"' in text


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
    command = [sys.executable, "-m", "server.cli", "mail-sink", "--port", "0", "--folder", str(tmp_path / "mail")]
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


@pytest.mark.parametrize("service", ["worker"])
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
async def test_an_unexpected_500_carries_the_request_id(app, world_url):
    """Starlette's ServerErrorMiddleware sits outside Observability: a 500 from an exception in the app (here a
    scrape while the database is away) has no X-Request-ID, so the client has nothing to match in the log."""
    async with _server_like(app) as http, database_away(world_url):
        failed = await http.get("/metrics")
    assert failed.status_code == 500
    assert "x-request-id" in failed.headers, dict(failed.headers)


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
