"""Budgets shared through Redis (issue G): two apps on one Redis namespace spend one budget per
user and one per client address on the public pages; with Redis stopped requests keep working
(fail open, one log line, a metric) and the limits apply again once it is back."""

from __future__ import annotations

import asyncio
import logging
import signal
import time

import httpx

from tests.api.budget_support import COST, QUERY, SMALL, graphql_client, running, small_budgets, spend_until_refused
from tests.redis_support import unique_namespace

PAGE = "/public/certificates/20210010000000"
JSON = {"accept": "application/json"}


async def test_two_apps_on_one_redis_spend_one_budget(sqlite_worlds, redis_url):
    settings = small_budgets(sqlite_worlds.fresh(), redis_url=redis_url, redis_namespace=unique_namespace())
    async with (
        running(settings) as first,
        running(settings) as second,
        graphql_client(settings, first) as a,
        graphql_client(settings, second) as b,
    ):
        allowed = SMALL["budget_staff"] // COST
        for n in range(allowed):  # alternately through each app
            assert (await (a if n % 2 else b).post(QUERY, as_user="hq.planner")).status_code == 200
        refused = await a.post(QUERY, as_user="hq.planner")
        assert refused.status_code == 429 and refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert (await b.post(QUERY, as_user="hq.planner")).status_code == 429
        assert (await b.post(QUERY, as_user="east.planner")).status_code == 200


async def test_another_deployment_on_the_same_redis_has_its_own_budgets(sqlite_worlds, redis_url):
    url = sqlite_worlds.fresh()
    ours = small_budgets(url, redis_url=redis_url, redis_namespace=unique_namespace())
    theirs = small_budgets(url, redis_url=redis_url, redis_namespace=unique_namespace())
    async with (
        running(ours) as first,
        running(theirs) as second,
        graphql_client(ours, first) as a,
        graphql_client(theirs, second) as b,
    ):
        await spend_until_refused(a, "buyer.east")
        assert (await b.post(QUERY, as_user="buyer.east")).status_code == 200


def _client(application, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=application, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_the_public_pages_count_each_address_once_across_apps(sqlite_worlds, redis_url):
    settings = small_budgets(
        sqlite_worlds.fresh(), redis_url=redis_url, redis_namespace=unique_namespace(), public_rate_limit="3/minute"
    )
    async with running(settings) as first, running(settings) as second:
        async with _client(first, "198.51.100.7") as a, _client(second, "198.51.100.7") as b:
            codes = [(await client.get(PAGE, headers=JSON)).status_code for client in (a, b, a, b)]
            assert codes == [200, 200, 200, 429]
            over = await a.get(PAGE, headers=JSON)
            assert over.status_code == 429 and over.json()["code"] == "RATE_LIMITED"
            assert 1 <= int(over.headers["retry-after"]) <= 120
        async with _client(second, "2001:db8:1:2::7") as c, _client(first, "203.0.113.9") as d:
            assert (await c.get(PAGE, headers=JSON)).status_code == 200  # other addresses: their own budget
            assert (await d.get(PAGE, headers=JSON)).status_code == 200


def _unavailable(metrics_text: str) -> float:
    total = 0.0
    for line in metrics_text.splitlines():
        if line.startswith("surveil_rate_limit_unavailable_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_with_redis_down_requests_go_through_and_limits_return_with_it(sqlite_worlds, private_redis, caplog):
    settings = small_budgets(
        sqlite_worlds.fresh(), redis_url=private_redis.url, redis_namespace=unique_namespace(),
        public_rate_limit="1/minute",
    )  # fmt: skip
    async with running(settings) as application, graphql_client(settings, application) as api:
        done, _ = await spend_until_refused(api, "buyer.east")
        assert done == 1
        await asyncio.to_thread(private_redis.stop)
        caplog.set_level(logging.WARNING, logger="surveil.limits")
        for _ in range(5):  # over the budget, yet served: nothing can count it
            body = (await api.post(QUERY, as_user="buyer.east")).json()
            assert "errors" not in body and body["extensions"] == {"cost": COST, "budget": None}
        async with _client(application, "198.51.100.8") as public:
            assert [(await public.get(PAGE, headers=JSON)).status_code for _ in range(3)] == [200] * 3
        warnings = [r for r in caplog.records if r.name == "surveil.limits" and r.levelno == logging.WARNING]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert _unavailable((await api.http.get("/metrics")).text) >= 1

        await asyncio.to_thread(private_redis.start)  # an empty Redis: every budget starts afresh
        deadline = time.monotonic() + 15
        while True:  # the limiter leaves Redis alone for a second after a failure, then tries again
            body = (await api.post(QUERY, as_user="buyer.east")).json()
            if body["extensions"]["budget"] is not None:
                break
            assert time.monotonic() < deadline, "the limits never applied again"
            await asyncio.sleep(0.1)
        assert "errors" not in body and body["extensions"]["budget"]["remaining"] in (0, 1)
        refused = await api.post(QUERY, as_user="buyer.east")
        assert refused.status_code == 429


async def test_a_redis_that_hangs_does_not_hold_requests(sqlite_worlds, private_redis):
    """A Redis that accepts connections but never answers (stopped with SIGSTOP): each call gives up
    after its short timeout and the request goes through; once Redis answers, limits apply."""
    settings = small_budgets(sqlite_worlds.fresh(), redis_url=private_redis.url, redis_namespace=unique_namespace())
    async with running(settings) as application, graphql_client(settings, application) as api:
        assert (await api.post(QUERY, as_user="buyer.east")).json()["extensions"]["budget"]["remaining"] in (0, 1)
        private_redis.process.send_signal(signal.SIGSTOP)
        try:
            for _ in range(3):
                body = (await api.post(QUERY, as_user="buyer.east")).json()
                assert "errors" not in body and body["extensions"]["budget"] is None
        finally:
            private_redis.process.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 15
        while (response := await api.post(QUERY, as_user="buyer.east")).status_code != 429:
            assert time.monotonic() < deadline, "the limits never applied again"
            await asyncio.sleep(0.1)  # the limiter leaves Redis alone for a second after a failure
        assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
