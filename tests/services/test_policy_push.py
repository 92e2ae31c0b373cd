"""Policy changes pushed over the bus (issue G): a process that never polls in time still
reloads before its next request once another process's change has committed, never for a
change rolled back, and after the bus comes back from an outage (messages may be lost)."""

from __future__ import annotations

import pytest

from policies.authorizer import Authorizer
from services import policy_admin
from services.policy_sync import PolicySync
from store import bus as process_bus
from store import policy_store
from store.db import transaction
from store.models import PolicyRule, User
from tests.services.test_policy_commands import LINE, _admin, _inspectors_may_reclassify

NEVER = 3600.0  # a poll interval no test outlives: only a pushed change can reload


@pytest.fixture
async def bus():
    local = process_bus.LocalBus()
    process_bus.install(local)
    yield local
    process_bus.install(process_bus.LocalBus())


async def _other_process(bus) -> PolicySync:
    sync = PolicySync(Authorizer(), interval=NEVER)
    await sync.refresh(force=True)
    await sync.follow(bus)
    return sync


async def test_a_committed_change_reaches_a_process_that_does_not_poll(db, bus):
    session, sync = await _admin()
    other = await _other_process(bus)
    await policy_admin.add_rule(session, sync=sync, ptype="p", values=LINE, reason="trial")
    await other.refresh()
    assert await _inspectors_may_reclassify(other)
    await policy_admin.remove_rule(session, sync=sync, ptype="p", values=LINE, reason="rolled back")
    await other.refresh()
    assert not await _inspectors_may_reclassify(other)
    await other.stop_following()


async def test_a_change_rolled_back_is_not_announced(db, bus):
    other = await _other_process(bus)
    reloads = other.reloads
    async with bus.listen("policy") as heard:
        with pytest.raises(RuntimeError, match="gave up"):
            async with transaction():
                await PolicyRule.create(ptype="p", v0=LINE[0], v1=LINE[1], v2=LINE[2], v3=LINE[3])
                await policy_store.bump_revision()
                raise RuntimeError("caller gave up")
        assert heard.pending() == []
    await other.refresh()
    assert other.reloads == reloads and not await _inspectors_may_reclassify(other)
    await other.stop_following()


async def test_several_changes_in_one_command_are_one_announcement(db, bus):
    async with bus.listen("policy") as heard:
        async with transaction():
            await policy_store.bump_revision()
            await policy_store.bump_revision()
        assert len(heard.pending()) == 1


async def test_a_reconnect_forces_a_reload(db, bus):
    other = await _other_process(bus)
    inspector = await User.get(login="east.inspector1")
    # A change another process made while the bus was away: stored, never announced here.
    await PolicyRule.create(ptype="p", v0=LINE[0], v1=LINE[1], v2=LINE[2], v3=LINE[3])
    await other.refresh()
    assert not other.authorizer.decide(inspector.id, "reclassify", "factory", ["unit:east"]).allowed
    await bus._reconnected()  # what the bus runs once Redis answers again
    await other.refresh()
    assert other.authorizer.decide(inspector.id, "reclassify", "factory", ["unit:east"]).allowed
    await other.stop_following()


async def test_without_a_shared_bus_the_revision_is_still_polled(db, bus):
    sync = PolicySync(Authorizer())
    await sync.follow(bus)
    assert sync.interval == 1.0  # a local bus hears nothing from the CLI or other hosts
    await sync.stop_following()
