"""Edges of the websocket endpoint found by an outside attack (issue G), against a real `surveil
serve` process (and a `surveil worker`) over PostgreSQL and a private Redis. Each test pins a
defect found then (see its comment) and what closed it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time

import pytest
import redis.asyncio as aioredis
import websockets

from schema.relay import from_global_id, to_global_id
from tests.api.tasks_support import assign, create, issue, ok
from tests.live.live_support import RemoteApi, live, start_worker, subscribed, token_of
from tests.processes import Deployment, _user_id
from tests.redis_support import unique_namespace

TASK = "subscription($id: ID!) { taskChanged(id: $id) { id version } }"
NOTICES = "subscription { notificationReceived { kind subjectId } }"
FACTORIES = "{ factories(first: 1) { totalCount } }"
DEACTIVATE = "mutation($input: PersonActionInput!) { deactivateUser(input: $input) { userErrors { code } } }"
HTTP_JSON_LIMIT = 1024 * 1024  # server/http_limits.py MAX_JSON_BYTES: what one HTTP request may carry


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


def assert_refused(answer: dict) -> None:
    """The websocket's answer to a query or mutation: an `error`, sent to POST /graphql."""
    assert answer["type"] == "error", answer
    error = answer["payload"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST", error
    assert "subscriptions only" in error["message"], error


async def notice_for(deployment, login: str) -> None:
    """A `notices` event naming `login`: their notificationReceived re-checks them (what it then
    reads of the event does not matter here)."""
    await publish(
        deployment, "notices", json.dumps({"event": 0, "people": [await _user_id(deployment.database_url, login)]})
    )


async def test_an_expired_token_runs_no_more_queries_over_its_open_websocket(deployment, server):
    # Defect found: the session of connection_init was kept for queries and mutations sent as
    # `subscribe` frames; only a subscription's event or heartbeat re-checked the token. Closed:
    # the websocket carries subscriptions only; a subscription re-checks the token at every event
    # (also tests/live/test_subscription_limits.py::test_an_expired_token_ends_the_subscription).
    login = "east.inspector1"
    async with live(server, await token_of(deployment.database_url, login, 1 / 3600)) as client:
        await asyncio.sleep(2.5)  # the token is valid for one second: nothing to await but time
        await client.subscribe("q", FACTORIES)
        assert_refused(await client.next_of("q"))
        await client.subscribe("n", NOTICES)
        probe = to_global_id("Task", 1)
        await client.subscribe("probe", TASK, {"id": probe})
        assert (await subscribed(deployment, client, "probe", probe))["type"] == "complete"  # "n" listens
        await notice_for(deployment, login)
        assert await client.next_of("n") == {"id": "n", "type": "complete"}


async def test_a_deactivated_person_runs_no_more_queries_over_an_open_websocket(deployment, server):
    # Defect found: "deactivateUser: an earlier token stops at once" held over HTTP and at
    # connection_init, but a websocket opened before still ran queries and mutations as that
    # person. Closed: no queries or mutations over the websocket; its subscriptions end.
    victim = "east.archivist"
    async with live(server, await token_of(deployment.database_url, victim)) as client:
        await client.subscribe("n", NOTICES)  # open before the deactivation
        person = to_global_id("Person", await _user_id(deployment.database_url, victim))
        deactivate = {"input": {"personId": person, "reason": "Left the service"}}
        await client.subscribe("m", DEACTIVATE, deactivate)  # a mutation: refused whoever sends it
        assert_refused(await client.next_of("m"))
        done = await RemoteApi(deployment, server).data(DEACTIVATE, deactivate, as_user="hq.admin")
        assert done["deactivateUser"]["userErrors"] == []
        await client.subscribe("q", FACTORIES)
        assert_refused(await client.next_of("q"))
        probe = to_global_id("Task", 1)
        await client.subscribe("probe", TASK, {"id": probe})
        assert (await subscribed(deployment, client, "probe", probe))["type"] == "complete"  # "n" listens
        await notice_for(deployment, victim)
        assert await client.next_of("n") == {"id": "n", "type": "complete"}


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
    async with live(server) as client:  # under uvicorn's limit, over an anonymous request's: not decoded
        await client.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "a" * 8192}}))
        closed = await client.receive()
    assert closed == {"type": "closed", "code": 1009, "reason": "a message is limited to 4096 bytes"}, closed


async def test_a_subscribe_frame_carries_no_more_than_an_http_request(deployment, server):
    # Defect: variables of several MB are accepted in a `subscribe` frame (the HTTP endpoint
    # refuses a JSON body over 1 MiB with 413): the websocket bypasses the request size limit.
    async with live(server, await token_of(deployment.database_url, "east.planner")) as client:
        with contextlib.suppress(websockets.ConnectionClosed):  # closed while it is still sending
            await client.subscribe("big", FACTORIES, {"padding": "a" * (2 * HTTP_JSON_LIMIT)})
        closed = await client.receive()
    assert closed["type"] == "closed" and closed["code"] == 1009, closed  # uvicorn's ws_max_size


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
    # Defect found: the connection's Session (and its Permissions, which cache scopes "per
    # request") lived as long as the websocket: after revokeRole, queries sent as `subscribe`
    # frames still read with the scopes computed before. Closed: queries go over HTTP, signed in
    # per request; a subscription re-reads the reader's roles at every event
    # (tests/live/test_subscriptions.py::test_a_subscriber_whose_role_is_revoked_stops_receiving).
    api, admin, covering = RemoteApi(deployment, server), "hq.admin", "south.planner"
    role = {"login": covering, "role": "PLANNER", "unitCode": "east", "reason": "Covering for leave"}
    task = ok(await create(api, "E004", as_user="east.planner", window=("2026-12-21", "2026-12-23")))
    assert (await api.data(ASSIGN, {"input": role}, as_user=admin))["assignRole"]["userErrors"] == []
    async with live(server, await token_of(deployment.database_url, covering)) as client:
        await client.subscribe("before", NODE, {"id": task["id"]})
        assert_refused(await client.next_of("before"))
        assert (await api.data(NODE, {"id": task["id"]}, as_user=covering))["node"] == {"id": task["id"]}
        revoke = {**role, "reason": "Back from leave"}
        assert (await api.data(REVOKE, {"input": revoke}, as_user=admin))["revokeRole"]["userErrors"] == []
        assert (await api.data(NODE, {"id": task["id"]}, as_user=covering))["node"] is None  # over HTTP: gone
        named = "query Seen($id: ID!) { node(id: $id) { id } } subscription Other { notificationReceived { kind } }"
        await client.send({"id": "after", "type": "subscribe", "payload": {"query": named, "operationName": "Seen"}})
        assert_refused(await client.next_of("after"))  # the operation the frame selects is a query


async def test_a_subscription_reads_the_data_as_it_is_now(deployment, server):
    # Defect found: the context's DataLoaders (resolvers/context.py `loaders`) were made once per
    # connection: a later query over the same websocket answered nested fields from the cache of
    # an earlier one. Closed: no queries over the websocket; a subscription's event gets fresh
    # loaders (`renewed_session`): a second change shows the team as it is then.
    api, planner, leader, member = RemoteApi(deployment, server), "east.planner", "east.inspector1", "east.inspector2"
    task = ok(await issue(api, ok(await create(api, "E005", as_user=planner)), as_user=planner))
    team = "subscription($id: ID!) { taskChanged(id: $id) { version team { login } } }"
    async with live(server, await token_of(deployment.database_url, planner)) as client:
        await client.subscribe("q", "query($id: ID!) { node(id: $id) { id } }", {"id": task["id"]})
        assert_refused(await client.next_of("q"))
        await client.subscribe("t", team, {"id": task["id"]})
        await subscribed(deployment, client, "t", task["id"])
        client.inbox.clear()
        first = ok(await assign(api, task, leader, as_user=planner))
        assert (await client.next_of("t"))["payload"]["data"]["taskChanged"]["version"] == first["version"]
        second = ok(await assign(api, first, leader, [member], as_user=planner, reason="A second pair of eyes"))
        heard = (await client.next_of("t"))["payload"]["data"]["taskChanged"]
    logins = sorted(person["login"] for person in heard["team"])
    assert heard["version"] == second["version"] and logins == sorted([leader, member]), heard


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
