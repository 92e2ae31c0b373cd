"""Outside attack on the websocket endpoint (issue G), against a real `surveil serve` process
(and a `surveil worker`) over PostgreSQL and a private Redis. Each test pins a defect found:
it fails until the defect is fixed (see its comment)."""

from __future__ import annotations

import asyncio
import json
import signal
import time

import pytest
import redis.asyncio as aioredis

from schema.relay import from_global_id, to_global_id
from tests.api.tasks_support import assign, create, issue, ok
from tests.live.live_support import RemoteApi, live, start_worker, subscribed, token_of
from tests.processes import Deployment, _user_id
from tests.redis_support import PrivateRedis, unique_namespace

TASK = "subscription($id: ID!) { taskChanged(id: $id) { id version } }"
NOTICES = "subscription { notificationReceived { kind subjectId } }"
FACTORIES = "{ factories(first: 1) { totalCount } }"
DEACTIVATE = "mutation($input: PersonActionInput!) { deactivateUser(input: $input) { userErrors { code } } }"
HTTP_JSON_LIMIT = 1024 * 1024  # server/http_limits.py MAX_JSON_BYTES: what one HTTP request may carry


@pytest.fixture(scope="module")
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployment(postgres_worlds, redis_server):
    url = asyncio.run(postgres_worlds.fresh_async())
    deployment = Deployment(url, redis_server.url, unique_namespace())
    worker = None
    try:
        deployment.start()
        worker = start_worker(deployment)
        yield deployment
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        deployment.stop()
        asyncio.run(postgres_worlds.dispose_async(url))


@pytest.fixture
def server(deployment):
    return deployment.servers[0]


async def publish(deployment, channel: str, *messages: str) -> None:
    """Messages on the deployment's bus, sent in one go (they arrive in this order)."""
    connection = aioredis.from_url(deployment.redis_url)
    try:
        async with connection.pipeline(transaction=False) as pipe:
            for message in messages:
                pipe.publish(f"{deployment.namespace}:{channel}", message)
            await pipe.execute()
    finally:
        await connection.aclose()


async def test_an_expired_token_runs_no_more_queries_over_its_open_websocket(deployment, server):
    # Defect: the session of connection_init is kept for queries and mutations sent as `subscribe`
    # frames; only a subscription's event or heartbeat re-checks the token. A client that keeps one
    # subscription younger than the heartbeat (complete and resubscribe) keeps an expired token
    # working for as long as it likes.
    async with live(server, await token_of(deployment.database_url, "east.inspector1", 1 / 3600)) as client:
        await asyncio.sleep(2.5)  # the token is valid for one second: nothing to await but time
        await client.subscribe("q", FACTORIES)
        answer = await client.next_of("q")
    assert answer["type"] == "next" and answer["payload"]["data"] is None, answer
    assert answer["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", answer


async def test_a_deactivated_person_runs_no_more_queries_over_an_open_websocket(deployment, server):
    # Defect: "deactivateUser: an earlier token stops at once" holds over HTTP and at
    # connection_init, but a websocket opened before still runs queries and mutations as that person.
    victim = "east.inspector2"
    async with live(server, await token_of(deployment.database_url, victim)) as client:
        person = to_global_id("Person", await _user_id(deployment.database_url, victim))
        done = await RemoteApi(deployment, server).data(
            DEACTIVATE, {"input": {"personId": person, "reason": "Left the service"}}, as_user="hq.admin"
        )
        assert done["deactivateUser"]["userErrors"] == []
        await client.subscribe("q", FACTORIES)
        answer = await client.next_of("q")
    assert answer["type"] == "next" and answer["payload"]["data"] is None, answer
    assert answer["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", answer


async def test_an_anonymous_client_cannot_make_the_server_parse_megabytes(server):
    # Defect: over HTTP nothing beyond 4 KB is read or parsed for an anonymous caller (and no
    # request beyond 1 MiB for anyone); a websocket frame of up to 16 MiB (uvicorn's default
    # ws_max_size) is read and JSON-decoded before connection_init is checked (4403 "the token is
    # not valid" shows it was parsed).
    async with live(server) as client:
        bearer = "Bearer " + "a" * (2 * HTTP_JSON_LIMIT)
        await client.send(json.dumps({"type": "connection_init", "payload": {"Authorization": bearer}}))
        closed = await client.receive()
    assert closed["type"] == "closed" and closed["code"] in (1009, 4400, 4413), closed


async def test_a_subscribe_frame_carries_no_more_than_an_http_request(deployment, server):
    # Defect: variables of several MB are accepted in a `subscribe` frame (the HTTP endpoint
    # refuses a JSON body over 1 MiB with 413): the websocket bypasses the request size limit.
    async with live(server, await token_of(deployment.database_url, "east.planner")) as client:
        await client.subscribe("big", FACTORIES, {"padding": "a" * (2 * HTTP_JSON_LIMIT)})
        answer = await client.next_of("big")
    assert answer["type"] in ("error", "closed") or answer["payload"].get("data") is None, answer


async def test_a_malformed_notice_event_does_not_end_the_subscriptions(deployment, server):
    # Defect: resolvers/subscriptions.py trusts the bus: `int(event)` and `user in people` raise on
    # a malformed `notices` message (another version's format, a stray publisher), and every
    # notificationReceived subscription of every process ends with INTERNAL_SERVER_ERROR.
    api, planner, leader = RemoteApi(deployment, server), "east.planner", "east.inspector1"
    task = ok(
        await issue(
            api, ok(await create(api, "E003", as_user=planner, window=("2026-12-14", "2026-12-16"))), as_user=planner
        )
    )
    me = await _user_id(deployment.database_url, leader)
    async with live(server, await token_of(deployment.database_url, leader)) as client:
        await client.subscribe("n", NOTICES)
        await client.subscribe("probe", TASK, {"id": task["id"]})
        await subscribed(deployment, client, "probe", task["id"])  # "n" listens too
        junk = (json.dumps({"event": "x", "people": [me]}), json.dumps({"event": 1, "people": 5}))
        await publish(deployment, "notices", *junk)
        ok(await assign(api, task, leader, as_user=planner))  # a real notice for the leader
        while True:
            first = await client.next_of("n")
            assert "errors" not in first.get("payload", {}), first
            if first["payload"]["data"]["notificationReceived"]["subjectId"] == task["id"]:
                break


async def test_junk_json_on_the_bus_does_not_drop_the_messages_after_it(deployment, server):
    # Defect: store/bus.py `_decoded` catches ValueError only: deeply nested JSON raises
    # RecursionError (an undecodable channel name, UnicodeDecodeError) in the bus reader, which
    # takes it for a Redis outage: the process drops its subscription, loses what follows, runs
    # the reconnect callbacks (policy reload) and refuses new websockets (1013) meanwhile.
    task = ok(await create(RemoteApi(deployment, server), "E002", as_user="east.planner"))
    async with live(server, await token_of(deployment.database_url, "east.planner")) as client:
        await client.subscribe("t", TASK, {"id": task["id"]})
        await subscribed(deployment, client, "t", task["id"])
        client.inbox.clear()
        probe = json.dumps({"task": int(from_global_id(task["id"])[1])})
        await publish(deployment, "tasks", "[" * 100_000 + "]" * 100_000, probe)
        heard = await client.next_of("t")  # the probe right after the junk (lost: no message at all)
    assert heard["type"] == "next" and heard["payload"]["data"]["taskChanged"]["id"] == task["id"], heard


async def test_the_per_connection_limit_refusal_has_a_code_and_the_readers_language(deployment, server):
    # Defect: past SURVEIL_MAX_SUBSCRIPTIONS_PER_CONNECTION strawberry's own "Subscription limit
    # reached" is sent: no `extensions.code` (clients match on codes) and English to a Chinese
    # reader, unlike the per-user limit (LIMIT_EXCEEDED, in the reader's language).
    signed_in = await token_of(deployment.database_url, "hq.planner")
    async with live(server, signed_in, accept_language="zh-CN") as client:
        for n in range(11):  # the default limit is 10
            await client.subscribe(str(n), NOTICES)
        refused = await client.next_of("10")
    assert refused["type"] == "error", refused
    error = refused["payload"][0]
    assert (error.get("extensions") or {}).get("code") == "LIMIT_EXCEEDED", error
    assert any("\u4e00" <= c <= "\u9fff" for c in error["message"]), error


ASSIGN = "mutation($input: RoleAssignmentInput!) { assignRole(input: $input) { userErrors { code } } }"
REVOKE = "mutation($input: RoleAssignmentInput!) { revokeRole(input: $input) { userErrors { code } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"


async def test_a_revoked_role_stops_queries_over_an_open_websocket(deployment, server):
    # Defect: the connection's Session (and its Permissions, which cache scopes "per request")
    # lives as long as the websocket: after revokeRole, queries sent as `subscribe` frames still
    # read with the scopes computed before ("a role revoked stops delivery at once" holds only for
    # subscription events, which re-authenticate).
    api, admin, covering = RemoteApi(deployment, server), "hq.admin", "south.planner"
    role = {"login": covering, "role": "PLANNER", "unitCode": "east", "reason": "Covering for leave"}
    task = ok(await create(api, "E004", as_user="east.planner", window=("2026-12-21", "2026-12-23")))
    assert (await api.data(ASSIGN, {"input": role}, as_user=admin))["assignRole"]["userErrors"] == []
    async with live(server, await token_of(deployment.database_url, covering)) as client:
        await client.subscribe("before", NODE, {"id": task["id"]})
        seen = await client.next_of("before")
        assert seen["payload"]["data"]["node"] == {"id": task["id"]}, seen  # they may read it
        revoke = {**role, "reason": "Back from leave"}
        assert (await api.data(REVOKE, {"input": revoke}, as_user=admin))["revokeRole"]["userErrors"] == []
        assert (await api.data(NODE, {"id": task["id"]}, as_user=covering))["node"] is None  # over HTTP: gone
        await client.subscribe("after", NODE, {"id": task["id"]})
        after = await client.next_of("after")
    assert after["payload"]["data"]["node"] is None, after


async def test_a_query_over_the_websocket_reads_the_data_as_it_is_now(deployment, server):
    # Defect: the context's DataLoaders (resolvers/context.py `loaders`) are made once per
    # connection, not per operation: a later query over the same websocket answers nested fields
    # from the cache of an earlier one (a task's new version beside its old team).
    api, planner, leader = RemoteApi(deployment, server), "east.planner", "east.inspector1"
    task = ok(await issue(api, ok(await create(api, "E005", as_user=planner)), as_user=planner))
    team = "query($id: ID!) { node(id: $id) { ... on Task { version team { login } } } }"
    async with live(server, await token_of(deployment.database_url, planner)) as client:
        await client.subscribe("before", team, {"id": task["id"]})
        assert (await client.next_of("before"))["payload"]["data"]["node"]["team"] == []
        assigned = ok(await assign(api, task, leader, as_user=planner))
        await client.subscribe("after", team, {"id": task["id"]})
        after = (await client.next_of("after"))["payload"]["data"]["node"]
    assert after == {"version": assigned["version"], "team": [{"login": leader}]}, after


async def test_a_redis_that_stops_answering_counts_as_away(deployment, server, redis_server):
    # Defect: the bus's subscriber connection has no socket timeout, and redis-py's health-check
    # PING waits for its answer forever: a Redis that hangs (frozen, or a network partition
    # without a reset) is never noticed. `available` stays True, new websockets are accepted and
    # hear nothing, no reconnect ever runs. Stopped (SIGSTOP) here; waited for up to 2.5 health
    # checks (store/bus.py HEALTH_CHECK_SECONDS) for the 1013 of "Redis away".
    from store.bus import HEALTH_CHECK_SECONDS

    signed_in = await token_of(deployment.database_url, "east.planner")
    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        deadline = time.monotonic() + 2.5 * HEALTH_CHECK_SECONDS
        answer: dict = {}
        while time.monotonic() < deadline:
            async with live(server) as client:
                answer = await client.init(signed_in)
            if answer.get("code") == 1013:
                break
            await asyncio.sleep(0.5)  # polling for the process to notice: there is nothing to await
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert answer == {"type": "closed", "code": 1013, "reason": "live updates are unavailable: try again later"}
