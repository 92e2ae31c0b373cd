"""Keeps a process's in-memory enforcer in step with the policy stored in the database."""

from __future__ import annotations

import time

from policies.authorizer import Authorizer
from store import policy_store

CHECK_INTERVAL_SECONDS = 1.0


class PolicySync:
    """Reloads the authorizer when the stored revision moves. Other processes (workers,
    the CLI) bump the revision; each process checks at most once per interval."""

    def __init__(self, authorizer: Authorizer, interval: float = CHECK_INTERVAL_SECONDS) -> None:
        self.authorizer = authorizer
        self.interval = interval
        self._checked_at = 0.0

    async def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked_at < self.interval:
            return
        self._checked_at = now
        revision = await policy_store.current_revision()
        if force or revision != self.authorizer.revision:
            lines = await policy_store.load_policy_lines()
            assignments = await policy_store.load_assignments()
            self.authorizer.load(lines, assignments, revision)
