"""Policy commands change this process's enforcer only once their change has committed: a
command rolled back with the transaction around it (an idempotent request whose answer could
not be kept, a caller's own transaction) leaves the enforcer as the database is."""

from __future__ import annotations

import pytest

from policies.authorizer import Authorizer
from services import policy_admin
from services.context import Actor, ServiceConfig, Session
from services.policy_sync import PolicySync
from store.db import transaction
from store.models import User

LINE = ["inspector", "unit:east", "factory", "reclassify"]


async def _admin() -> tuple[Session, PolicySync]:
    user = await User.get(login="hq.admin").select_related("unit")
    sync = PolicySync(Authorizer())
    await sync.refresh(force=True)
    actor = Actor(user_id=user.id, login=user.login, unit_code=user.unit.code)
    return Session.for_actor(actor, sync.authorizer, ServiceConfig(north_china=("BJ",))), sync


async def _inspectors_may_reclassify(sync: PolicySync) -> bool:
    inspector = await User.get(login="east.inspector1")
    return sync.authorizer.decide(inspector.id, "reclassify", "factory", ["unit:east"]).allowed


async def test_a_committed_rule_reaches_the_enforcer(db):
    session, sync = await _admin()
    await policy_admin.add_rule(session, sync=sync, ptype="p", values=LINE, reason="trial")
    assert await _inspectors_may_reclassify(sync)


async def test_a_rule_rolled_back_never_reaches_the_enforcer(db):
    session, sync = await _admin()
    with pytest.raises(RuntimeError, match="caller gave up"):
        async with transaction():
            await policy_admin.add_rule(session, sync=sync, ptype="p", values=LINE, reason="trial")
            raise RuntimeError("the caller gave up")
    assert not await _inspectors_may_reclassify(sync)
    await sync.refresh()  # nor does a later look at the revision pick up a phantom
    assert not await _inspectors_may_reclassify(sync)
