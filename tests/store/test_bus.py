"""The bus between processes (store/bus.py) over the machine's real Redis, and a private
redis-server stopped and started again to play an outage."""

from __future__ import annotations

import asyncio

from store.bus import LocalBus, RedisBus
from tests.redis_support import unique_namespace


async def next_message(listener, seconds: float = 5.0) -> dict:
    return await asyncio.wait_for(anext(listener), seconds)


async def test_local_bus_delivers_to_this_process_only_listeners_of_the_channel():
    bus = LocalBus()
    async with bus.listen("policy") as policy, bus.listen("tasks") as tasks:
        assert await bus.publish("policy", {"revision": 3})
        assert await next_message(policy) == {"revision": 3}
        assert tasks.pending() == []
    assert not bus.shared


async def test_a_message_published_by_one_process_reaches_every_process_listening(redis_url):
    namespace = unique_namespace()
    a, b, other = (
        RedisBus(redis_url, namespace),
        RedisBus(redis_url, namespace),
        RedisBus(redis_url, unique_namespace()),
    )
    for bus in (a, b, other):
        await bus.start()
    try:
        assert a.available and b.available and a.shared
        async with a.listen("policy") as on_a, b.listen("policy") as on_b, other.listen("policy") as elsewhere:
            assert await a.publish("policy", {"revision": 7, "by": "策略管理员"})
            assert await next_message(on_b) == {"revision": 7, "by": "策略管理员"}
            assert await next_message(on_a) == {"revision": 7, "by": "策略管理员"}  # the sender hears it too
            await asyncio.sleep(0.1)
            assert elsewhere.pending() == []  # another deployment's namespace hears nothing
    finally:
        for bus in (a, b, other):
            await bus.close()


async def test_a_slow_listener_loses_its_oldest_messages_and_holds_up_nobody():
    bus = LocalBus()
    async with bus.listen("tasks", size=2) as slow, bus.listen("tasks") as quick:
        for n in range(5):
            await bus.publish("tasks", {"n": n})
        assert [m["n"] for m in slow.pending()] == [3, 4] and slow.dropped == 3
        assert [m["n"] for m in quick.pending()] == [0, 1, 2, 3, 4]


async def test_redis_away_publishing_fails_fast_and_the_bus_comes_back_with_it(private_redis):
    bus = RedisBus(private_redis.url, unique_namespace())
    reconnected = asyncio.Event()

    async def on_back() -> None:
        reconnected.set()

    bus.on_reconnect(on_back)
    await bus.start()
    try:
        async with bus.listen("policy") as listener:
            private_redis.stop()
            for _ in range(100):
                if not bus.available:
                    break
                await asyncio.sleep(0.05)
            assert not bus.available
            started = asyncio.get_running_loop().time()
            assert not await bus.publish("policy", {"revision": 1})
            assert asyncio.get_running_loop().time() - started < 0.5 and bus.failed_publishes == 1

            private_redis.start()
            await asyncio.wait_for(reconnected.wait(), 10)
            assert bus.available
            assert await bus.publish("policy", {"revision": 2})
            assert await next_message(listener) == {"revision": 2}
    finally:
        await bus.close()
