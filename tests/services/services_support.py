"""Use cases called directly, as a CLI or a queue consumer would: a session for a demo login
on the test world, with the policy loaded from its database."""

from __future__ import annotations

from policies.authorizer import Authorizer
from server.settings import Settings
from services.context import Actor, ServiceConfig, Session
from services.policy_sync import PolicySync
from store.models import User


async def session_for(login: str) -> Session:
    user = await User.get(login=login).select_related("unit")
    sync = PolicySync(Authorizer())
    await sync.refresh(force=True)
    actor = Actor(user_id=user.id, login=user.login, unit_code=user.unit.code)
    return Session.for_actor(actor, sync.authorizer, ServiceConfig(north_china=Settings().north_china))
