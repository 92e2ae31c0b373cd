"""/health, /ready and /metrics on the real app, both databases (README, Operations)."""

from __future__ import annotations

import dataclasses
from contextlib import asynccontextmanager

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tortoise.connection import get_connection

from server.app import create_app
from store.readiness import known_migrations


@pytest.fixture
async def http(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


@asynccontextmanager
async def client_of(settings, client=("127.0.0.1", 123)):
    """A client of a fresh app on `settings`, lifespan included."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=client)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of the exposition, parsed by prometheus_client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_health_is_a_constant_200(http):
    response = await http.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_ready_answers_200_with_every_check(http):
    response = await http.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok", "documents": "ok"}}


async def test_a_database_behind_on_migrations_is_not_ready(http, settings):
    latest = max(known_migrations())
    await get_connection("default").execute_script(f"DELETE FROM tortoise_migrations WHERE name = '{latest}'")
    response = await http.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"] and body["checks"]["migrations"].startswith("1 not applied")
    assert settings.database_url not in response.text and "Traceback" not in response.text


def ready_of(app):
    return next(route.endpoint.__self__ for route in app.routes if getattr(route, "path", None) == "/ready")


async def test_a_flood_of_ready_calls_costs_one_check(app, http):
    """Anyone may call /ready: a burst shares one check, and answers are reused for a moment."""
    import asyncio

    ready = ready_of(app)
    answers = await asyncio.gather(*(http.get("/ready") for _ in range(40)))
    assert {a.status_code for a in answers} == {200} and ready.runs == 1
    assert (await http.get("/ready")).status_code == 200 and ready.runs == 1


async def test_ready_checks_again_once_its_answer_is_stale(app, http, monkeypatch):
    import server.health

    monkeypatch.setattr(server.health, "FRESH_SECONDS", 0.0)
    ready = ready_of(app)
    assert (await http.get("/ready")).status_code == 200
    latest = max(known_migrations())
    await get_connection("default").execute_script(f"DELETE FROM tortoise_migrations WHERE name = '{latest}'")
    assert (await http.get("/ready")).status_code == 503 and ready.runs == 2


async def test_an_unwritable_document_store_is_not_ready(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # a file where the folder should be: unwritable even for root
    async with client_of(dataclasses.replace(settings, document_dir=str(blocker / "documents"))) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["documents"] and str(tmp_path) not in response.text


async def test_metrics_count_real_requests_by_operation_and_outcome(api, http):
    before = samples((await http.get("/metrics")).text)
    ok = await api.post("query Me { viewer { login } }", as_user="east.planner")
    assert ok.status_code == 200 and "errors" not in ok.json()
    refused = await api.post("query Far { tasks(first: 100000) { totalCount } }", as_user="east.planner")
    assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    response = await http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = samples(response.text)

    def moved(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert moved("surveil_requests_total", route="graphql", operation="Me", outcome="ok") == 1
    # refused by the limits before it ran: like an invalid document, it takes no label of its own
    assert moved("surveil_requests_total", route="graphql", operation="other", outcome="user_error") == 1
    assert moved("surveil_graphql_errors_total", code="BAD_USER_INPUT") == 1
    assert moved("surveil_request_duration_seconds_count", route="graphql") == 2
    assert after[("surveil_db_pool_connections", (("kind", "configured_max"),))] >= 1
    assert ("surveil_outbox_events_pending", ()) in after


async def test_the_outbox_backlog_is_read_at_scrape_time(api, http):
    await api.post(
        'mutation { setMyLanguage(input: { language: "en" }) { userErrors { message } } }', as_user="east.planner"
    )
    pending = await get_connection("default").execute_query_dict(
        "SELECT count(*) AS n FROM outbox_event WHERE fanned_out_at IS NULL"
    )
    deliveries = await get_connection("default").execute_query_dict(
        "SELECT status, count(*) AS n FROM notice_delivery GROUP BY status"
    )
    after = samples((await http.get("/metrics")).text)
    assert after[("surveil_outbox_events_pending", ())] == pending[0]["n"]
    for row in deliveries:
        assert after[("surveil_notice_deliveries", (("status", row["status"]),))] == row["n"]


async def test_metrics_need_the_token_when_one_is_set_and_loopback_otherwise(settings):
    async with client_of(dataclasses.replace(settings, metrics_token="s3cret-scrape"), ("10.1.2.3", 4)) as client:
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers={"authorization": "Bearer wrong"})).status_code == 401
        assert (await client.get("/metrics", headers={"authorization": "Bearer s3cret-scrape"})).status_code == 200
    async with client_of(settings, ("10.1.2.3", 40000)) as client:
        assert (await client.get("/metrics")).status_code == 403
    production = dataclasses.replace(settings, env="production", jwt_algorithm="RS256", jwt_secret="")
    async with client_of(production) as client:
        response = await client.get("/metrics")  # loopback, but production trusts only the token
        assert response.status_code == 403 and "SURVEIL_METRICS_TOKEN" in response.text
