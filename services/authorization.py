"""Questions about the viewer: who am I, and may I do ACTION on this object (and why)."""

from __future__ import annotations

from policies.authorizer import Decision
from services.context import Session
from store.models import Certificate, Factory, OrgUnit, User

DENIED = Decision(False, None, None)


async def viewer_profile(session: Session) -> tuple[User, OrgUnit, list[tuple[str, str]]]:
    user = await User.get(id=session.actor.user_id).select_related("unit")
    roles = sorted((role, dom.removeprefix("unit:")) for role, dom in session.perms.authorizer.roles_of(user.id))
    return user, user.unit, roles


async def _factory_codes(factory_id: int) -> list[str]:
    f = await Factory.filter(id=factory_id).select_related("responsible_unit", "agency_unit", "enterprise_unit").first()
    if f is None:
        return []
    return [u.code for u in (f.responsible_unit, f.agency_unit, f.enterprise_unit) if u is not None]


async def _object_domains(object_type: str, object_id: int) -> tuple[str, list[str]] | None:
    """The policy kind of an object and the unit codes of its domains."""
    if object_type == "Factory":
        return "factory", await _factory_codes(object_id)
    if object_type == "Certificate":
        factory_id = await Certificate.filter(id=object_id).values_list("factory_id", flat=True)
        return "certificate", await _factory_codes(factory_id[0]) if factory_id else []
    if object_type == "OrgUnit":
        code = await OrgUnit.filter(id=object_id).values_list("code", flat=True)
        return "org_unit", list(code)
    if object_type == "PolicyRule":
        return "policy", ["hq"]
    return None


async def explain(session: Session, action: str, object_type: str, object_id: int) -> tuple[str, Decision]:
    """An object the viewer may not read gets a plain 'no' — its existence is not revealed."""
    found = await _object_domains(object_type, object_id)
    if found is None or not found[1]:
        return object_type.lower(), DENIED
    kind, codes = found
    if kind in ("factory", "certificate") and not session.perms.decide("read", kind, codes).allowed:
        return kind, DENIED
    return kind, session.perms.decide(action[:64], kind, codes)
