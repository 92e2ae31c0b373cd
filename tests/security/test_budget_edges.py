"""Outside attack on issue G (budgets, several processes, policy push): each test pins a defect
found by using the service as a client, an operator or an outsider would. They fail until the
defect is fixed."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import time

import pytest

from server.settings import Settings
from tests.api.budget_support import QUERY, graphql_client, running, small_budgets, spend_until_refused
from tests.redis_support import unique_namespace

FACTORY = 'query { factories(first: 1, filter: {search: "E001"}) { nodes { id } } }'
MAY = "query($id: ID!, $action: String!) { authorization(action: $action, objectId: $id) { allowed } }"
ADD = "mutation($input: PolicyRuleInput!) { addPolicyRule(input: $input) { userErrors { code } } }"
REMOVE = "mutation($input: PolicyRuleInput!) { removePolicyRule(input: $input) { userErrors { code } } }"
RECLASSIFY = {"ptype": "p", "values": ["inspector", "unit:*", "factory", "reclassify"]}


@pytest.fixture
async def limited(sqlite_worlds):
    settings = small_budgets(sqlite_worlds.fresh(), budget_staff=100_000)
    async with running(settings) as application, graphql_client(settings, application) as api:
        yield api


async def _cost(api, query: str) -> int:
    body = (await api.post(query, as_user="hq.planner")).json()
    assert "errors" not in body, body
    return body["extensions"]["cost"]


async def test_a_page_left_at_its_default_size_costs_what_it_returns(limited):
    # Defect: `Factory.certificates(first: Int! = 20)` without `first` is estimated as a page of 1,
    # so the same 20-row answer costs a twentieth when the client leaves `first` out.
    implicit = "{ factories(first: 5) { nodes { certificates { nodes { id number } } } } }"
    explicit = "{ factories(first: 5) { nodes { certificates(first: 20) { nodes { id number } } } } }"
    assert await _cost(limited, implicit) == await _cost(limited, explicit)


async def test_a_user_over_budget_cannot_keep_the_server_validating_documents(sqlite_worlds):
    # Defect: a document refused by validation is never charged nor checked against the budget:
    # a user already refused for fair use keeps the server parsing and validating without end.
    settings = small_budgets(sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as api:
        await spend_until_refused(api, "buyer.east")
        invalid = "{ factories(first: 5) { nodes { id noSuchField } } }"
        codes = [(await api.post(invalid, as_user="buyer.east")).status_code for _ in range(20)]
        assert 429 in codes, codes


@pytest.fixture
async def pg_world(postgres_worlds):
    url = await postgres_worlds.fresh_async()
    yield url
    await postgres_worlds.dispose_async(url)


def _pg_settings(url: str, redis_url: str, namespace: str) -> Settings:
    return dataclasses.replace(Settings(), database_url=url, redis_url=redis_url, redis_namespace=namespace)


async def _may(api, login: str, action: str) -> bool:
    factory = (await api.run(FACTORY, as_user=login))["data"]["factories"]["nodes"][0]
    body = await api.run(MAY, {"id": factory["id"], "action": action}, as_user=login)
    return body["data"]["authorization"]["allowed"]


async def _changed(api, query: str, variables: dict) -> None:
    body = await api.run(query, variables, as_user="hq.admin")
    assert "errors" not in body and next(iter(body["data"].values()))["userErrors"] == [], body


async def test_concurrent_requests_on_b_right_after_a_rule_is_removed_on_a(pg_world, redis_url):
    # Defect: PolicySync.refresh clears the stale flag before reloading; requests B serves while
    # the first one reloads skip the reload and are authorized with the rule already removed.
    settings = _pg_settings(pg_world, redis_url, unique_namespace())
    async with (
        running(settings) as first,
        running(settings) as second,
        graphql_client(settings, first) as a,
        graphql_client(settings, second) as b,
    ):
        factory = (await b.run(FACTORY, as_user="east.inspector1"))["data"]["factories"]["nodes"][0]["id"]
        await _changed(a, ADD, {"input": {**RECLASSIFY, "reason": "trial"}})
        assert await _may(b, "east.inspector1", "reclassify")
        listener = second.state.policy_sync._listener
        await _changed(a, REMOVE, {"input": {**RECLASSIFY, "reason": "trial over"}})
        while listener._queue.empty():  # B has heard of the removal (pushed through Redis)
            await asyncio.sleep(0.005)
        answers = await asyncio.gather(
            *(b.run(MAY, {"id": factory, "action": "reclassify"}, as_user="east.inspector1") for _ in range(8))
        )
        allowed = [body["data"]["authorization"]["allowed"] for body in answers]
        assert allowed == [False] * 8, allowed


async def test_a_policy_change_does_not_stall_while_redis_hangs(pg_world, private_redis):
    # Defect: the bus publishes after commit with a 2 s socket timeout (and redis-py's retries):
    # with Redis hung (SIGSTOP), a policy change holds its request for seconds.
    settings = _pg_settings(pg_world, private_redis.url, unique_namespace())
    async with running(settings) as application, graphql_client(settings, application) as api:
        assert not await _may(api, "east.inspector1", "reclassify")
        private_redis.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            await _changed(api, ADD, {"input": {**RECLASSIFY, "reason": "while Redis hangs"}})
            elapsed = time.monotonic() - started
        finally:
            private_redis.process.send_signal(signal.SIGCONT)
        assert elapsed < 1.5, f"the change took {elapsed:.1f} s"


async def test_an_outsider_cycling_addresses_does_not_refill_signed_in_budgets(sqlite_worlds, monkeypatch):
    # Defect: without Redis the public pages' per-address counters and the GraphQL budgets share one
    # bounded memory (MAX_KEYS, evicting the oldest first): anyone requesting the public page from
    # enough addresses (an IPv6 /48 holds 65,536 /64s) evicts every user's budget, which starts afresh.
    import httpx

    from server import limiter

    monkeypatch.setattr(limiter, "MAX_KEYS", 50)  # the bound, scaled down from 100,000 to keep it fast
    settings = small_budgets(sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as api:
        await spend_until_refused(api, "buyer.east")
        for n in range(60):
            transport = httpx.ASGITransport(app=application, client=(f"2001:db8:0:{n:x}::1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as outsider:
                await outsider.get("/public/certificates/20210010000000", headers={"accept": "application/json"})
        assert (await api.post(QUERY, as_user="buyer.east")).status_code == 429


async def test_a_person_without_any_role_does_not_get_the_staff_budget(sqlite_worlds):
    # Defect: budget_kind gives anyone in HQ or a sub-centre who is not "market buyer only" the staff
    # budget, including a person holding no role at all (an account auto-provisioned on first OIDC
    # sign-in): the largest budget (120,000 a minute in production) goes to whoever may do nothing.
    from store.models import OrgUnit, User

    settings = small_budgets(sqlite_worlds.fresh())
    async with running(settings) as application, graphql_client(settings, application) as api:
        await User.create(login="hq.newcomer", display_name="Signed in once", unit=await OrgUnit.get(code="hq"))
        body = (await api.post("{ viewer { login } }", as_user="hq.newcomer")).json()
        assert body["extensions"]["budget"]["limit"] <= settings.budget_buyer, body


async def test_a_namespace_with_a_bracket_still_receives_its_own_policy_changes(pg_world, redis_url):
    # Defect: the bus subscribes with the pattern `<namespace>:*`, the namespace unescaped: a namespace
    # with `[` (SURVEIL_REDIS_NAMESPACE=ccc[eu], accepted without a word) never matches its own
    # channels, so policy changes reach other processes only at the 30 s safety poll.
    settings = _pg_settings(pg_world, redis_url, f"ccc[{unique_namespace()}]")
    async with (
        running(settings) as first,
        running(settings) as second,
        graphql_client(settings, first) as a,
        graphql_client(settings, second) as b,
    ):
        assert not await _may(b, "east.inspector1", "reclassify")
        await _changed(a, ADD, {"input": {**RECLASSIFY, "reason": "trial"}})
        assert await _may(b, "east.inspector1", "reclassify")


def test_sqlite_spelled_in_capitals_is_refused_with_several_workers(tmp_path):
    # Defect: the SQLite check is `database_url.startswith("sqlite")`, while the database layer reads
    # the scheme case-insensitively: DATABASE_URL=SQLITE:///... runs `--workers 2` on SQLite.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(root), "SURVEIL_ENV": "development"}
    env["DATABASE_URL"] = f"SQLITE:///{tmp_path}/surveil.sqlite3"
    code = "import sys; from server.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "serve", "--workers", "2", "--port", "0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "needs PostgreSQL" in done.stderr, done.stderr


async def test_an_ordinary_task_change_does_not_stall_while_redis_hangs(pg_world, private_redis):
    # Defect: same cause, wider reach: every audited task change announces `taskChanged` on the bus
    # after commit; with Redis hung each such mutation waits out the 2 s publish timeout (and the
    # subscriber, which reads without a timeout, never notices Redis is away).
    from tests.api.tasks_support import create, ok

    settings = _pg_settings(pg_world, private_redis.url, unique_namespace())
    async with running(settings) as application, graphql_client(settings, application) as api:
        ok(await create(api, "E001", as_user="east.planner"))  # warm: the same path with Redis answering
        private_redis.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            ok(await create(api, "E001", as_user="east.planner", window=("2026-12-07", "2026-12-09")))
            elapsed = time.monotonic() - started
        finally:
            private_redis.process.send_signal(signal.SIGCONT)
        assert elapsed < 1.5, f"creating a task took {elapsed:.1f} s"
