"""Attack on issue 15 (F): settings an operator gets wrong, request ids, /metrics labels. Each test
here is a defect found and fails until it is fixed."""

from __future__ import annotations

import httpx
import pytest

from tests.api.test_factory_maintenance import CORRECT, TRAIL
from tests.client import factory
from tests.security.test_configuration import setting_line, surveil

PRODUCTION = {
    "SURVEIL_ENV": "production",
    "JWT_ALGORITHM": "HS256",
    "PUBLIC_BASE_URL": "https://ccc.example.org",
    "DATABASE_URL": "postgres://surveil@db:5432/surveil",
}


@pytest.mark.parametrize(
    "url, secret",
    [
        ("postgres://surveil@db:5432/surveil?password=q-secret-9", "q-secret-9"),  # tortoise takes it as the password
        ("postgres://surveil:pa/ss-word-9@db:5432/surveil", "ss-word-9"),  # unencoded / in the password
        ("postgres://surveil:pa?ss-word-9@db:5432/surveil", "ss-word-9"),  # unencoded ?
        ("postgres://surveil:pa#ss-word-9@db:5432/surveil", "ss-word-9"),  # unencoded #
    ],
)
def test_config_check_never_prints_a_database_password(tmp_path, url, secret):
    """`config check` prints a DATABASE_URL password given as ?password= or with an unencoded / ? #."""
    result = surveil(["config", "check"], tmp_path, DATABASE_URL=url)
    assert secret not in result.stdout + result.stderr, setting_line(result.stdout, "DATABASE_URL")


def test_an_empty_surveil_env_is_refused_not_taken_as_development(tmp_path):
    """SURVEIL_ENV= (a blank .env line through compose's env_file overrides the image's production) silently
    runs development: dev JWT secret accepted, GraphiQL and introspection on."""
    result = surveil(["config", "check"], tmp_path, SURVEIL_ENV="", DATABASE_URL="sqlite://db.sqlite3")
    assert result.returncode == 1, setting_line(result.stdout, "JWT_SECRET")
    assert "SURVEIL_ENV" in result.stderr


def test_production_refuses_a_trivially_short_hs256_secret(tmp_path):
    """Production with HS256 starts with JWT_SECRET=a (1 byte; RFC 7518 asks for at least 256 bits)."""
    result = surveil(["config", "check"], tmp_path, **PRODUCTION, JWT_SECRET="a")
    assert result.returncode == 1 and "JWT_SECRET" in result.stderr, result.stdout[-200:]


@pytest.mark.parametrize("variable", ["SURVEIL_NOTICE_TIMEOUT_SECONDS", "SURVEIL_WORKER_POLL_SECONDS"])
def test_an_infinite_duration_is_refused(tmp_path, variable):
    """`inf` passes the `> 0` check: an SMTP call that never times out, a worker that never polls again."""
    result = surveil(["config", "check"], tmp_path, DATABASE_URL="sqlite://db.sqlite3", **{variable: "inf"})
    assert result.returncode == 1 and variable in result.stderr, setting_line(result.stdout, variable)


async def test_one_user_cannot_fill_the_operation_labels_of_metrics(api, app):
    """Any signed-in user sends 200 invalid documents with made-up operation names; every real operation after
    that is counted as `other` for the life of the process (label slots taken by junk)."""
    for i in range(200):
        await api.post(f"query Junk{i} {{ noSuchField }}", as_user="east.planner")
    f = await factory(api, "E001", as_user="east.planner")
    variables = {"input": {"factoryId": f["id"], "expectedVersion": 1, "reason": "moved", "address": "1 New Rd"}}
    await api.post(CORRECT.replace("mutation(", "mutation Correct("), variables, as_user="east.planner")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        text = (await http.get("/metrics")).text
    counted = [line for line in text.splitlines() if line.startswith("surveil_requests_total") and "Junk" not in line]
    assert 'operation="Correct"' in text, counted
    assert 'operation="Junk0"' not in text


async def test_a_client_cannot_give_its_audit_records_another_requests_id(api):
    """The audit record's requestId is whatever X-Request-ID the client sent: a second user reusing the
    first user's id makes both trails carry the same id (a forged or confused correlation)."""
    f = await factory(api, "E001", as_user="east.planner")
    mutation = CORRECT.replace("mutation(", "mutation Correct(")
    for version, user, address in ((1, "east.planner", "1 New Rd"), (2, "hq.planner", "2 Other Rd")):
        variables = {"input": {"factoryId": f["id"], "expectedVersion": version, "reason": "x", "address": address}}
        response = await api.post(mutation, variables, as_user=user, headers={"x-request-id": "victim-req-1"})
        assert response.json()["data"]["correctFactoryInformation"]["userErrors"] == [], response.json()
    trail = (await api.data(TRAIL, {"id": f["id"]}, as_user="east.reviewer"))["auditTrail"]["nodes"]
    ids = [node["requestId"] for node in trail if node["action"] == trail[0]["action"]][:2]
    assert len(set(ids)) == 2, ids
