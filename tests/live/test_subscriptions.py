"""GraphQL subscriptions against real `surveil serve` processes over one PostgreSQL world and
one Redis namespace (issue G): an event caused on process A reaches a websocket client on
process B, authorized for that client at delivery time."""

from __future__ import annotations

import asyncio

import pytest

from tests.api.tasks_support import act, assign, create, issue, ok, start
from tests.live.live_support import RemoteApi, live, start_worker, subscribed, token_of
from tests.processes import Deployment
from tests.redis_support import REDIS_URL, skip_without_redis, unique_namespace

TASK = "subscription($id: ID!) { taskChanged(id: $id) { id status version startedAt team { login } } }"
NOTICES = "subscription { notificationReceived { kind subjectType subjectId title language } }"
MY_WORK = "subscription { myWorkChanged { taskId change reasons task { id status } } }"
ASSIGN = """mutation($input: RoleAssignmentInput!) { assignRole(input: $input) { userErrors { code } } }"""
REVOKE = """mutation($input: RoleAssignmentInput!) { revokeRole(input: $input) { userErrors { code } } }"""


@pytest.fixture(scope="module")
def deployment(postgres_worlds):
    skip_without_redis()
    url = asyncio.run(postgres_worlds.fresh_async())
    deployment = Deployment(url, REDIS_URL, unique_namespace())
    try:
        deployment.start()
        deployment.start()
        worker = start_worker(deployment)
        yield deployment
        worker.terminate()
        worker.wait(20)
    finally:
        deployment.stop()
        asyncio.run(postgres_worlds.dispose_async(url))


@pytest.fixture
def a(deployment):
    return RemoteApi(deployment, deployment.servers[0])


@pytest.fixture
def b(deployment):
    return deployment.servers[1]


async def test_a_change_on_process_a_reaches_a_subscriber_on_process_b(deployment, a, b):
    planner, leader = "east.planner", "east.inspector1"
    task = ok(await issue(a, ok(await create(a, "E003", as_user=planner)), as_user=planner))
    async with live(b, await token_of(deployment.database_url, leader)) as client:
        await client.subscribe("notices", NOTICES)
        await client.subscribe("mine", MY_WORK)
        await client.subscribe("task", TASK, {"id": task["id"]})
        await subscribed(deployment, client, "task", task["id"])
        assigned = ok(await assign(a, task, leader, as_user=planner))

        changed = await client.next_of("task")
        assert changed["type"] == "next", changed
        assert changed["payload"]["data"]["taskChanged"]["version"] == assigned["version"]
        assert [m["login"] for m in changed["payload"]["data"]["taskChanged"]["team"]] == [leader]
        mine = (await client.next_of("mine"))["payload"]["data"]["myWorkChanged"]
        assert mine == {"taskId": task["id"], "change": "ADDED", "reasons": ["TEAM"],
                        "task": {"id": task["id"], "status": assigned["status"]}}  # fmt: skip
        notice = (await client.next_of("notices"))["payload"]["data"]["notificationReceived"]
        assert notice["subjectId"] == task["id"] and notice["language"] == "en", notice
