"""Keeps a process's in-memory enforcer in step with the policy stored in the database.

Every commit that bumps the policy revision announces it on the bus's `policy` channel
(store/policy_store.py). With a shared bus (Redis) each process listens there and reloads before
its next request; a slow safety poll stays, and a reconnect after an outage forces a reload
(messages sent meanwhile are lost). Without a shared bus (SQLite on one host) nothing reaches
this process from the others (the CLI, an import): the revision is polled once a second. The
request path never waits on Redis: a message only marks the policy stale."""

from __future__ import annotations

import asyncio
import contextlib
import time

from policies.authorizer import Authorizer
from store import policy_store
from store.bus import Listener, LocalBus

CHECK_INTERVAL_SECONDS = 1.0  # polling, when no other process can tell us
SAFETY_POLL_SECONDS = 30.0  # with pushed changes: a last resort against a lost message


class PolicySync:
    """Reloads the authorizer when the stored revision moves or a change is announced."""

    def __init__(self, authorizer: Authorizer, interval: float = CHECK_INTERVAL_SECONDS) -> None:
        self.authorizer = authorizer
        self.interval = interval
        self.reloads = 0
        self._checked_at = 0.0
        self._stale = False
        self._loading: asyncio.Future | None = None  # the reload under way, awaited by every request meanwhile
        self._listener: Listener | None = None
        self._following = contextlib.AsyncExitStack()

    async def refresh(self, force: bool = False) -> None:
        """Before a request is authorized. Requests arriving while a reload runs wait for it (a
        stale policy is never used meanwhile); a reload that fails leaves the policy stale, so the
        next request tries again."""
        if self._listener is not None and self._listener.pending():  # announced changes, without waiting
            self._stale = True
        if self._loading is not None:
            await asyncio.shield(self._loading)
        now = time.monotonic()
        if not (force or self._stale) and now - self._checked_at < self.interval:
            return
        self._checked_at = now
        if self._loading is None:
            self._loading = asyncio.ensure_future(self._load(force))
            self._loading.add_done_callback(self._loaded)
        await asyncio.shield(self._loading)

    def _loaded(self, done: asyncio.Future) -> None:
        self._loading = None
        if not done.cancelled():
            done.exception()  # retrieved here; the awaiting requests get it raised

    async def _load(self, force: bool) -> None:
        stale, self._stale = self._stale, False  # a change announced from here on marks it stale again
        try:
            revision = await policy_store.current_revision()
            if force or stale or revision != self.authorizer.revision:
                lines = await policy_store.load_policy_lines()
                assignments = await policy_store.load_assignments()
                self.authorizer.load(lines, assignments, revision)
                self.reloads += 1
        except BaseException:
            self._stale = self._stale or stale
            self._checked_at = 0.0
            raise

    def mark_stale(self) -> None:
        """The stored policy changed: reload before the next request is authorized."""
        self._stale = True

    async def follow(self, bus: LocalBus, safety_poll: float = SAFETY_POLL_SECONDS) -> None:
        """Listen for announced changes on `bus` until `stop_following`. A shared bus replaces the
        one-second poll by `safety_poll`; a local one keeps polling (the others cannot reach us)."""
        if bus.shared:
            self.interval = max(self.interval, safety_poll)
        bus.on_reconnect(self._reconnected)
        self._listener = await self._following.enter_async_context(bus.listen(policy_store.POLICY_CHANNEL))

    async def stop_following(self) -> None:
        self._listener = None
        await self._following.aclose()

    async def _reconnected(self) -> None:
        self.mark_stale()  # changes announced while the bus was away are lost
