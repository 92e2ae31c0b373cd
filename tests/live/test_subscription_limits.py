"""The websocket endpoint's refusals and limits, against a real `surveil serve` process with
small limits (issue G): sign-in in connection_init, subscriptions per connection and per user,
the idle timeout, depth limits on subscription documents, a malformed message closing only
its own connection, a token expiring, and Redis away."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from tests.api.tasks_support import create, ok
from tests.live.live_support import PROTOCOL, RemoteApi, live, subscribed, token_of
from tests.processes import Deployment
from tests.redis_support import unique_namespace

TASK = "subscription($id: ID!) { taskChanged(id: $id) { id version } }"
NOTICES = "subscription { notificationReceived { kind } }"
REASON = "connection_init must carry Authorization: Bearer <token>"
LIMITS = {
    "SURVEIL_MAX_SUBSCRIPTIONS_PER_CONNECTION": "2",
    "SURVEIL_MAX_SUBSCRIPTIONS_PER_USER": "3",
    "SURVEIL_SUBSCRIPTION_IDLE_SECONDS": "1",
    "SURVEIL_MAX_DEPTH": "4",
}


@pytest.fixture(scope="module")
def deployment(postgres_worlds, redis_server):
    url = asyncio.run(postgres_worlds.fresh_async())
    deployment = Deployment(url, redis_server.url, unique_namespace(), extra_env=LIMITS)
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()
        asyncio.run(postgres_worlds.dispose_async(url))


@pytest.fixture
def server(deployment):
    return deployment.servers[0]


async def token(deployment, login="east.planner", hours=None) -> str:
    return await token_of(deployment.database_url, login, hours)


async def a_task_id(deployment, server) -> str:
    """A task the planner sees (one per test: each probes its own)."""
    return ok(await create(RemoteApi(deployment, server), "E002", as_user="east.planner"))["id"]


async def test_connection_init_must_carry_a_valid_token(deployment, server):
    async with live(server) as client:
        assert await client.init(None) == {"type": "closed", "code": 4403, "reason": REASON}
    async with live(server) as client:
        assert await client.init("not-a-token") == {"type": "closed", "code": 4403, "reason": "the token is not valid"}
    async with live(server) as client:  # the lower-case key, as some clients send it
        assert (await client.init(await token(deployment), key="authorization"))["type"] == "connection_ack"
    async with live(server) as client:  # nothing before the acknowledgement
        await client.subscribe("1", NOTICES)
        assert (await client.closed())[0] == 4401


async def test_subscriptions_are_limited_per_connection_and_per_user(deployment, server):
    signed_in = await token(deployment)
    async with live(server, signed_in) as first, live(server, signed_in) as second:
        await first.subscribe("1", NOTICES)
        await first.subscribe("2", NOTICES)
        await first.subscribe("3", NOTICES)
        refused = await first.next_of("3")
        assert refused["type"] == "error", refused
        assert refused["payload"][0]["message"] == "at most 2 subscriptions per connection at once"
        assert refused["payload"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        await second.subscribe("4", NOTICES)
        await second.subscribe("5", NOTICES)
        over = await second.next_of("5")
        assert over["type"] == "error", over
        assert over["payload"][0]["message"] == "at most 3 subscriptions per user at once"
        assert over["payload"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        await first.send({"id": "2", "type": "complete"})  # one freed: room again
        task_id = await a_task_id(deployment, server)
        await second.subscribe("6", TASK, {"id": task_id})
        assert (await subscribed(deployment, second, "6", task_id))["type"] == "next"


async def test_a_too_deep_subscription_is_refused(deployment, server):
    deep = "subscription { notificationReceived { kind } myWorkChanged { task { team { unit { parent { code } } } } } }"
    async with live(server, await token(deployment)) as client:
        await client.subscribe("deep", deep)
        refused = await client.next_of("deep")
        assert refused["type"] == "error", refused
        assert "depth" in refused["payload"][0]["message"], refused


async def test_a_connection_without_subscriptions_is_closed_when_idle(deployment, server):
    async with live(server, await token(deployment)) as client:
        assert await client.closed() == (1000, "closed: no subscription for 1 seconds")


async def test_a_malformed_message_closes_that_connection_only(deployment, server):
    signed_in = await token(deployment)
    task_id = await a_task_id(deployment, server)
    async with live(server, signed_in) as bystander:
        await bystander.subscribe("t", TASK, {"id": task_id})
        await subscribed(deployment, bystander, "t", task_id)
        for bad in ("{not json", "[1, 2]", '{"no": "type"}', '{"type": "subscribe", "id": "x", "payload": 3}'):
            async with live(server, signed_in) as client:
                await client.send(bad)
                assert (await client.closed())[0] == 4400, bad
        bystander.inbox.clear()
        assert (await subscribed(deployment, bystander, "t", task_id))["type"] == "next"  # still served


async def test_an_expired_token_ends_the_subscription(deployment, server):
    async with live(server, await token(deployment, hours=2 / 3600)) as client:  # valid for two seconds
        await client.subscribe("n", NOTICES)
        ended = await client.next_of("n")
        assert ended == {"id": "n", "type": "complete"}


async def test_redis_away_refuses_new_connections_until_it_returns(deployment, server, redis_server):
    signed_in = await token(deployment)
    task_id = await a_task_id(deployment, server)
    async with live(server, signed_in) as survivor:
        await survivor.subscribe("t", TASK, {"id": task_id})
        await subscribed(deployment, survivor, "t", task_id)
        redis_server.stop()
        url = server.base_url.replace("http://", "ws://") + "/graphql"
        while True:  # the process notices the outage at its next read of Redis
            async with websockets.connect(url, subprotocols=[PROTOCOL]) as ws:
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), 20)
            if closed.value.rcvd.code == 1013:
                break
        assert closed.value.rcvd.reason == "live updates are unavailable: try again later"
        redis_server.start()
        while True:  # accepted again once the process is back on Redis
            async with live(server) as client:
                answer = await client.init(signed_in)
            if answer["type"] == "connection_ack":
                break
            assert answer["code"] == 1013, answer
        survivor.inbox.clear()
        assert (await subscribed(deployment, survivor, "t", task_id))["type"] == "next"  # survived
