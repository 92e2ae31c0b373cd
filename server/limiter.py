"""Budgets shared by every process (issue G, fair use): the `limits` package's sliding window
counter, in Redis under `<SURVEIL_REDIS_NAMESPACE>:limits` when REDIS_URL is set, else in this
process's memory.

Why the sliding window counter: a budget is spent in points (a document's estimated cost, up
to SURVEIL_MAX_COST = 20,000 a request). The moving window stores one list entry per point
(a staff budget of 120,000 points would be a list of 120,000 timestamps per user, pushed 20,000
at a time); the sliding window counter keeps two counters per key (this window's and the last
one's, the last one weighted by how much of it still overlaps) and spends N points in one Lua
call whatever N is. It behaves like a leaky bucket: spending stops at the limit, and points come
back steadily as the previous window slides out, instead of all at once at a fixed boundary.

Redis down or slow: every call has a short timeout (TIMEOUT_SECONDS); a failure lets the
request through (fail open), counts `surveil_rate_limit_unavailable_total`, writes one warning
(then at most one a minute while it lasts) and skips Redis for RETRY_SECONDS, so that an outage
costs requests nothing; the first request after that tries again, and limits apply as soon as
Redis answers."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

log = logging.getLogger("surveil.limits")
TIMEOUT_SECONDS = 0.25  # one Redis call (connect or read); loopback answers in well under 1 ms
RETRY_SECONDS = 1.0  # after a failure, Redis is left alone this long (requests go through)
WARN_EVERY_SECONDS = 60.0  # while Redis stays away, a reminder this often, not one per request
MAX_KEYS = 100_000  # counters kept in memory without Redis (two per busy client at most)
SWEEP_SECONDS = 10.0  # expired counters in memory are swept this often


class BoundedMemoryStorage(MemoryStorage):
    """limits' MemoryStorage holding at most MAX_KEYS counters: past that, the oldest counters
    (the first made, hence the first to expire) are dropped, and their budgets start afresh. A
    burst from many addresses then costs memory bounded by this, not by the number of addresses."""

    _swept_at = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # limits' private sweep, renamed
        """limits sweeps every counter after every increment: O(counters) per request. Reads drop
        an expired counter themselves, so the sweep only frees memory: once every SWEEP_SECONDS."""
        if time.monotonic() - self._swept_at >= SWEEP_SECONDS:
            self._swept_at = time.monotonic()
            await super()._MemoryStorage__schedule_expiry()

    async def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        value = await super().incr(key, expiry, amount)
        while len(self.expirations) > MAX_KEYS:
            oldest = next(iter(self.expirations))
            self.expirations.pop(oldest, None)
            self.storage.pop(oldest, None)
            self.locks.pop(oldest, None)
        return value


@dataclass(frozen=True)
class Spent:
    """What one charge did. `counted` False: the store was unavailable and nothing was counted."""

    allowed: bool
    limit: int
    remaining: int | None = None  # points left after this charge
    reset: float | None = None  # seconds until the budget is full again
    retry_after: int | None = None  # refused: whole seconds until this cost fits
    counted: bool = True


def retry_seconds(limit: int, cost: int, window: float, previous: int, previous_ttl: float, current: int,
                  current_ttl: float) -> float:  # fmt: skip
    """Seconds until `cost` more points fit under `limit`, from a sliding window counter's state
    (counts and the seconds their keys live: the current key lives one window past its end). The
    previous count is weighted by previous_ttl / window and fades until the current window ends;
    then the current count becomes the previous one and fades over one window."""
    # Both stores refuse when floor(weighted previous) + current + cost > limit: the weighted
    # previous count must fall below room + 1.
    shift = max(current_ttl - window, previous_ttl, 0.0) if current else max(previous_ttl, 0.0)
    room = limit - cost - current
    if room >= 0:
        wait = 0.0 if previous <= 0 else max(0.0, previous_ttl - (room + 1) * window / previous)
        if wait <= shift:
            return wait
    if current <= 0:
        return shift
    return shift + max(0.0, window - (limit - cost + 1) * window / current)


class SharedLimiter:
    """One per app: spends points of named budgets (`spend`), failing open (see the module)."""

    def __init__(self, redis_url: str | None, namespace: str, on_unavailable: Callable[[str], None] = lambda _: None,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        if redis_url:
            # No retries (redis-py's default retries three times, backing off a second): a failure
            # is an outage, handled here, not something to wait out inside a request.
            self.storage = RedisStorage(
                redis_url, implementation="redispy", key_prefix=f"{namespace}:limits",
                socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 0),
            )  # fmt: skip
        else:
            self.storage = BoundedMemoryStorage()
        self.shared = bool(redis_url)
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.on_unavailable = on_unavailable
        self.clock = clock
        self._skip_until = 0.0
        self._probing = False
        self._down_since: float | None = None
        self._warned_at = -math.inf

    async def spend(self, scope: str, limit: int, seconds: int, cost: int, *ids: str) -> Spent:
        """Spend `cost` points of the budget `limit` per `seconds` named by `scope` and `ids`. A
        cost above the whole budget is charged as the whole budget: it runs when the budget is full."""
        item = RateLimitItemPerSecond(limit, seconds, namespace=scope)
        cost = max(0, min(cost, limit))
        if not self._may_try():
            return self._unavailable(scope, limit)
        self._probing = True
        try:
            allowed = await asyncio.wait_for(self.limiter.hit(item, *ids, cost=cost), TIMEOUT_SECONDS * 2)
            state = await asyncio.wait_for(self.storage.get_sliding_window(item.key_for(*ids), seconds),
                                           TIMEOUT_SECONDS * 2)  # fmt: skip
        except Exception as exc:  # any failure of the store: let the request through
            self._failed(exc)
            return self._unavailable(scope, limit)
        finally:
            self._probing = False
        self._recovered()
        return self._spent(allowed, limit, seconds, cost, state)

    async def check(self, scope: str, limit: int, seconds: int, cost: int, *ids: str) -> Spent:
        """Whether `cost` would fit now, spending nothing."""
        item = RateLimitItemPerSecond(limit, seconds, namespace=scope)
        cost = max(0, min(cost, limit))
        if not self._may_try():
            return self._unavailable(scope, limit)
        try:
            state = await asyncio.wait_for(self.storage.get_sliding_window(item.key_for(*ids), seconds),
                                           TIMEOUT_SECONDS * 2)  # fmt: skip
        except Exception as exc:
            self._failed(exc)
            return self._unavailable(scope, limit)
        previous, previous_ttl, current, _ = state
        used = math.floor(previous * previous_ttl / seconds) + current
        return self._spent(used + cost <= limit, limit, seconds, cost, state)

    def _spent(self, allowed: bool, limit: int, seconds: int, cost: int, state) -> Spent:
        previous, previous_ttl, current, current_ttl = state
        used = math.floor(previous * previous_ttl / seconds) + current
        reset = retry_seconds(limit, limit, seconds, previous, previous_ttl, current, current_ttl)
        if allowed:
            return Spent(True, limit, max(0, limit - used), round(reset, 3))
        wait = retry_seconds(limit, cost, seconds, previous, previous_ttl, current, current_ttl)
        return Spent(False, limit, max(0, limit - used), round(reset, 3), max(1, math.ceil(wait + 0.001)))

    def _may_try(self) -> bool:
        if self._down_since is None:
            return True
        return not self._probing and self.clock() >= self._skip_until  # one request probes at a time

    def _unavailable(self, scope: str, limit: int) -> Spent:
        self.on_unavailable(scope)
        return Spent(True, limit, counted=False)

    def _failed(self, exc: BaseException) -> None:
        now = self.clock()
        self._skip_until = now + RETRY_SECONDS
        if self._down_since is None:
            self._down_since = now
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("rate limits not applied: their store is unavailable (%s); requests go through",
                        type(exc).__name__)  # fmt: skip

    def _recovered(self) -> None:
        if self._down_since is not None:
            log.info("rate limits apply again: their store answers (away %.1f s)", self.clock() - self._down_since)
            self._down_since = None
            self._warned_at = -math.inf

    async def close(self) -> None:
        if self.shared:
            bridge = self.storage.bridge
            try:
                await bridge.get_connection().aclose()
            except Exception:  # closing a client of a Redis that is away
                log.debug("closing the limits' Redis client failed", exc_info=True)
