"""X-Request-ID: always made by the server, echoed on every response, carried by the session
(audit records, masked errors) and by the one JSON log line per request; a client's own
X-Request-ID is only logged (`client_request_id`) and echoed in X-Client-Request-ID (README,
Operations)."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from server.logs import configure_logging
from tests.api.test_factory_maintenance import CORRECT, TRAIL
from tests.client import factory


@pytest.fixture
def log_lines():
    """The process's real log output, as `surveil serve` writes it (server/logs.py)."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    configure_logging("INFO", buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line.get("logger") == "surveil.request"]


async def test_the_servers_id_is_echoed_carried_by_the_audit_record_and_logged_once(api, log_lines):
    f = await factory(api, "E001", as_user="east.planner")
    variables = {"input": {"factoryId": f["id"], "expectedVersion": 1, "reason": "moved", "address": "1 New Rd"}}
    response = await api.post(
        CORRECT.replace("mutation(", "mutation Correct("), variables, as_user="east.planner",
        headers={"x-request-id": "req-abc.123:7"},
    )  # fmt: skip
    made = response.headers["x-request-id"]
    assert made != "req-abc.123:7" and len(made) == 32 and made.isalnum()
    assert response.headers["x-client-request-id"] == "req-abc.123:7"
    assert response.json()["data"]["correctFactoryInformation"]["userErrors"] == []
    trail = (await api.data(TRAIL, {"id": f["id"]}, as_user="east.reviewer"))["auditTrail"]
    assert trail["nodes"][0]["requestId"] == made
    [line] = [line for line in request_lines(log_lines()) if line["request_id"] == made]
    assert line["client_request_id"] == "req-abc.123:7"
    assert line["event"] == "request" and line["level"] == "info"
    assert (line["login"], line["operation"], line["outcome"], line["status"]) == ("east.planner", "Correct", "ok", 200)
    assert isinstance(line["duration_ms"], float) and line["timestamp"]


@pytest.mark.parametrize("given", ["", "x" * 65, "has space", "new\\nline", "引号"])
async def test_an_unusable_client_id_is_neither_echoed_nor_used(app, given, log_lines):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        headers = {"x-request-id": given.encode("utf-8")} if given else {}
        response = await http.get("/health", headers=headers)
    made = response.headers["x-request-id"]
    assert made != given and len(made) == 32 and made.isalnum()
    assert "x-client-request-id" not in response.headers
    [line] = [line for line in request_lines(log_lines()) if line["request_id"] == made]
    assert line["client_request_id"] is None


async def test_every_kind_of_response_carries_an_id(api):
    http = api.http
    public = await http.get("/public/certificates/20210010000000")
    download = await http.get("/documents/1")  # no token: refused, still with an id
    ready = await http.get("/ready")
    graphql = await api.post("{ __typename }")
    refused = await api.post("{ viewer { login } }")  # anonymous: refused before execution
    for response in (public, download, ready, graphql, refused):
        assert len(response.headers["x-request-id"]) == 32, response.request.url
    ids = {r.headers["x-request-id"] for r in (public, download, ready, graphql, refused)}
    assert len(ids) == 5


async def test_a_masked_error_names_the_request_id_that_the_log_carries(api, monkeypatch, log_lines):
    from services import factories

    async def broken(*args, **kwargs):
        raise RuntimeError("connection to db-internal-7.corp failed: password=hunter2")

    # With a filter: the executor answers (compiled reads do not cover filters), through this service.
    monkeypatch.setattr(factories, "list_factories", broken)
    response = await api.post(
        "query Broken { factories(first: 1, filter: {}) { totalCount } }",
        as_user="hq.planner",
        headers={"x-request-id": "trace-42"},
    )
    [error] = response.json()["errors"]
    made = response.headers["x-request-id"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": made}
    assert made != "trace-42" and "hunter2" not in response.text
    lines = log_lines()
    [request] = [line for line in request_lines(lines) if line["request_id"] == made]
    assert request["client_request_id"] == "trace-42"
    assert (request["outcome"], request["operation"], request["login"]) == ("error", "Broken", "hq.planner")
    [detail] = [line for line in lines if line["logger"] == "surveil.graphql"]
    assert made in detail["event"] and "hunter2" in detail["exception"]  # the details: in the log only


async def test_the_middleware_sends_no_sql(api):
    with api.count_queries() as counter:
        await api.http.get("/health")
        await api.post("{ __typename }")
    assert counter.statements == []
