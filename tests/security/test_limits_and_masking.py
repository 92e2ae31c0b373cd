"""Abuse limits on every request, production hardening, and masking of unexpected errors."""

import dataclasses

import httpx
import pytest

from server.app import create_app
from services import factories
from tests.client import TEST_HEADERS, GraphQLClient, error_codes


async def test_depth_limit(api):
    deep = "{ factories(first: 1) { nodes { certificates(first: 1) { nodes { factory { certificates(first: 1) { nodes { factory { certificates(first: 1) { nodes { factory { certificates(first: 1) { nodes { factory { code } } } } } } } } } } } } } } }"
    body = await api.run(deep, as_user="hq.planner")
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_alias_limit(api):
    many = "{ " + " ".join(f"a{i}: viewer {{ login }}" for i in range(31)) + " }"
    body = await api.run(many, as_user="hq.planner")
    assert body["data"] is None and "aliases" in body["errors"][0]["message"]


async def test_token_limit(api):
    huge = "{ viewer { " + "login " * 2100 + "} }"
    body = await api.run(huge, as_user="hq.planner")
    assert body["data"] is None and "token" in body["errors"][0]["message"].lower()


async def test_nodes_batch_is_bounded(api):
    body = await api.run("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["x"] * 101}, as_user="hq.planner")
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_unexpected_errors_are_masked(api, monkeypatch, caplog):
    async def broken(*args, **kwargs):
        raise RuntimeError("connection to db-internal-7.corp failed: password=hunter2")

    # With a filter: the executor answers (compiled reads do not cover filters), through this service.
    monkeypatch.setattr(factories, "list_factories", broken)
    body = await api.run("{ factories(first: 1, filter: {}) { totalCount } }", as_user="hq.planner")
    assert body["errors"] == [
        {
            "message": "Unexpected error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["factories"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": body["errors"][0]["extensions"]["requestId"]},
        }
    ]
    request_id = body["errors"][0]["extensions"]["requestId"]
    assert len(request_id) == 32
    logged = [r for r in caplog.records if r.name == "surveil.graphql" and request_id in r.getMessage()]
    assert logged and "hunter2" in str(logged[0].exc_info[1])  # the details are in the server's log
    assert "hunter2" not in str(body)


@pytest.fixture
async def production_api(settings):
    prod = dataclasses.replace(settings, env="production", introspection=False, graphiql=False, field_suggestions=False)
    application = create_app(prod)
    transport = httpx.ASGITransport(app=application)
    async with (
        application.router.lifespan_context(application),
        httpx.AsyncClient(transport=transport, base_url="http://test", headers=TEST_HEADERS) as http,
    ):
        yield GraphQLClient(http, prod)


async def test_production_turns_off_introspection_suggestions_and_graphiql(production_api):
    body = await production_api.run("{ __schema { types { name } } }", as_user="hq.planner")
    assert body["data"] is None and body["errors"]
    body = await production_api.run("{ factoriez(first: 1) { totalCount } }", as_user="hq.planner")
    assert "Did you mean" not in body["errors"][0]["message"]
    page = await production_api.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()


async def test_development_serves_graphiql(api):
    page = await api.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


FAN_OUT = """query($n: Int!) { tasks(first: 100) { nodes { id timeline(first: $n) {
  nodes { action at actor reason } } } } }"""


async def test_a_query_that_fans_out_is_refused_before_it_runs(api):
    await api.token("hq.planner")
    with api.count_queries() as counter:
        body = await api.run(FAN_OUT, {"n": 50}, as_user="hq.planner")  # ~25,000 fields
    assert body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COSTLY"]
    assert not any("surveillance_task" in s for s in counter.statements)  # refused before it ran
    assert "errors" not in await api.run(FAN_OUT, {"n": 10}, as_user="hq.planner")  # ~5,000: fine


def test_cost_estimate_counts_pages_fragments_and_variables():
    from graphql import parse

    from server.query_limits import estimate

    doc = parse("""query Q($n: Int) { factories(first: $n) { nodes { ...F } } viewer { login } }
                   fragment F on Factory { code name certificates { number } }""")
    # factories 1, nodes 10, code+name+certificates 30, number 10; viewer 1, login 1
    assert estimate(doc, {"n": 10}, "Q") == 1 + 10 + 30 + 10 + 1 + 1
    assert estimate(doc, {"n": 1000}, "Q") == 1 + 100 + 300 + 100 + 1 + 1  # pages count at most 100
    assert estimate(doc, {}, "Q") == 1 + 100 + 300 + 100 + 1 + 1  # unknown page: the worst
    assert estimate(doc, {"n": 10}, "Other") == 0
