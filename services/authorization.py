"""Questions about the viewer: who am I, and may I do ACTION on this object (and why)."""

from __future__ import annotations

from policies.authorizer import Decision
from services.context import Session
from services.gates import DENIED, GATES
from store.models import OrgUnit, User


async def viewer_profile(session: Session) -> tuple[User, OrgUnit, list[tuple[str, str]]]:
    user = await User.get(id=session.actor.user_id).select_related("unit")
    roles = sorted((role, dom.removeprefix("unit:")) for role, dom in session.perms.authorizer.roles_of(user.id))
    return user, user.unit, roles


async def explain(session: Session, action: str, object_type: str, object_id: int) -> tuple[str, Decision]:
    """The policy's answer for one object, from the gate every command of that kind passes.
    An object the viewer may not read gets a plain 'no': its existence is not revealed."""
    gate = GATES.get(object_type)
    if gate is None:
        return object_type.lower(), DENIED
    return gate.kind, await gate.explain(session, object_id, action[:64])
