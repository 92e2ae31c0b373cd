"""Several API processes over one PostgreSQL database and one Redis (issue G): a policy change
made through process A is enforced by process B's very next request, pushed over Redis (B's
own look at the revision comes only every 30 s), and with Redis down requests keep working and
the change made meanwhile reaches B once Redis is back (B reloads on reconnecting). A change made
by `surveil import people` on the command line reaches a running server the same way."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest

from tests.processes import SURVEIL, Deployment, server_env
from tests.redis_support import skip_without_redis, unique_namespace

FACTORY = 'query { factories(first: 1, filter: {search: "E001"}) { nodes { id } } }'
MAY = """query($id: ID!, $action: String!) { authorization(action: $action, objectId: $id) { allowed } }"""
ADD = """mutation($input: PolicyRuleInput!) { addPolicyRule(input: $input) { userErrors { code } } }"""
REMOVE = """mutation($input: PolicyRuleInput!) { removePolicyRule(input: $input) { userErrors { code } } }"""
ASSIGN = """mutation($input: RoleAssignmentInput!) { assignRole(input: $input) { userErrors { code } } }"""
REVOKE = """mutation($input: RoleAssignmentInput!) { revokeRole(input: $input) { userErrors { code } } }"""
RECLASSIFY = {"ptype": "p", "values": ["inspector", "unit:*", "factory", "reclassify"]}
PLANNER = {"login": "east.inspector2", "role": "PLANNER", "unitCode": "east"}


@pytest.fixture
def world(postgres_worlds):
    url = asyncio.run(postgres_worlds.fresh_async())
    yield url
    asyncio.run(postgres_worlds.dispose_async(url))


@pytest.fixture
def deployment(world):
    skip_without_redis()
    from tests.redis_support import REDIS_URL

    running = Deployment(world, REDIS_URL, unique_namespace())
    yield running
    running.stop()


def _ok(deployment: Deployment, server, query: str, variables: dict) -> None:
    body = deployment.graphql(server, query, variables, as_user="hq.admin")
    assert "errors" not in body, body
    assert next(iter(body["data"].values()))["userErrors"] == [], body


def _may(deployment: Deployment, server, login: str, action: str) -> bool:
    factory = deployment.graphql(server, FACTORY, as_user=login)["data"]["factories"]["nodes"][0]
    body = deployment.graphql(server, MAY, {"id": factory["id"], "action": action}, as_user=login)
    return body["data"]["authorization"]["allowed"]


def test_a_rule_changed_through_a_is_enforced_by_bs_next_request(deployment):
    a, b = deployment.start(), deployment.start()
    assert not _may(deployment, b, "east.inspector1", "reclassify")
    _ok(deployment, a, ADD, {"input": {**RECLASSIFY, "reason": "trial on site"}})
    assert _may(deployment, b, "east.inspector1", "reclassify")
    _ok(deployment, a, REMOVE, {"input": {**RECLASSIFY, "reason": "trial over"}})
    assert not _may(deployment, b, "east.inspector1", "reclassify")


def test_a_role_revoked_through_a_is_withdrawn_by_bs_next_request(deployment):
    a, b = deployment.start(), deployment.start()
    assert not _may(deployment, b, "east.inspector2", "update")
    _ok(deployment, a, ASSIGN, {"input": {**PLANNER, "reason": "covering for leave"}})
    assert _may(deployment, b, "east.inspector2", "update")
    _ok(deployment, a, REVOKE, {"input": {**PLANNER, "reason": "back from leave"}})
    assert not _may(deployment, b, "east.inspector2", "update")


def test_roles_imported_through_the_cli_reach_a_running_server(deployment, tmp_path):
    b = deployment.start()
    assert not _may(deployment, b, "east.inspector2", "update")
    people = tmp_path / "people.csv"
    people.write_text(
        "login,display_name,unit_code,roles,email\neast.inspector2,East inspector 2,east,inspector;planner,\n"
    )
    env = server_env(deployment.database_url, deployment.redis_url, deployment.namespace)
    done = subprocess.run(
        [str(SURVEIL), "import", "people", str(people), "--quiet"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert _may(deployment, b, "east.inspector2", "update")


def test_with_redis_down_requests_work_and_a_change_arrives_once_it_is_back(world, private_redis):
    deployment = Deployment(world, private_redis.url, unique_namespace())
    try:
        a, b = deployment.start(), deployment.start()
        assert not _may(deployment, b, "east.inspector1", "reclassify")
        private_redis.stop()
        _ok(deployment, a, ADD, {"input": {**RECLASSIFY, "reason": "made while Redis is away"}})
        assert _may(deployment, a, "east.inspector1", "reclassify")  # A's own policy follows its commit
        assert not _may(deployment, b, "east.inspector1", "reclassify")  # B serves, and has heard nothing
        private_redis.start()
        # B reconnects (backing off up to 2 s) and reloads: long before its 30 s safety poll.
        deadline = time.monotonic() + 15
        while not _may(deployment, b, "east.inspector1", "reclassify"):
            assert time.monotonic() < deadline, "B never picked up the change made while Redis was away"
            time.sleep(0.1)
    finally:
        deployment.stop()
