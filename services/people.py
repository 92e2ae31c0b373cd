"""People as the identity provider introduces them (C: sign-in through the provider)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from domain.audit_events import AuditAction
from domain.enums import Role
from domain.validation import clean_text
from services import audit_log
from services.context import Session
from services.errors import bounded
from services.runner import Work, command
from store.models import OrgUnit, RoleAssignment, User

KIND = "person"


@dataclass(frozen=True)
class PeopleFilter:
    unit_code: str | None = None
    role: Role | None = None
    search: str | None = None  # part of the login or the name
    active: bool | None = True  # None: active and deactivated


async def directory(session: Session, flt: PeopleFilter):
    """The people of the units where the caller may read people (a planner: their unit; HQ's
    planners, administrators and auditors: everyone), for choosing inspectors, leaders and buyers."""
    readable = list(await session.perms.unit_ids("read", KIND))
    query = User.filter(unit_id__in=readable)
    if flt.active is not None:
        query = query.filter(active=flt.active)
    if flt.unit_code is not None:
        query = query.filter(unit__code=bounded(flt.unit_code, "unitCode", 32))
    if flt.role is not None:
        holders = RoleAssignment.filter(role=flt.role.value, unit_id__in=readable)  # no oracle for other units
        if flt.unit_code is not None:
            holders = holders.filter(unit__code=flt.unit_code)
        query = query.filter(id__in=Subquery(holders.values("user_id")))
    if flt.search:
        text = bounded(flt.search, "search", 100)
        query = query.filter(Q(login__icontains=text) | Q(display_name__icontains=text))
    return query


def roles_of(session: Session, user_id: int) -> list[tuple[str, str]]:
    """(role, unit code) pairs the viewer may see: roles held in units whose people they may
    read (a role held elsewhere would tell them who belongs there). From the policy in memory."""
    held = sorted((role, dom.removeprefix("unit:")) for role, dom in session.perms.authorizer.roles_of(user_id))
    return [(role, code) for role, code in held if session.perms.decide("read", KIND, [code]).allowed]


class ProvisioningError(Exception):
    """Auto-provisioning is configured with a unit that does not exist."""


@command(system=True)
async def provision_user(work: Work, *, login: str, display_name: str | None, unit_code: str) -> User:
    """OIDC_AUTO_PROVISION: the first sign-in of a login the registry does not know creates the
    user, without any role (an administrator grants roles). A login that exists — active or
    deactivated — is never touched."""
    existing = await User.filter(login__iexact=login).select_related("unit").first()
    if existing is not None:
        work.nothing_changed()
        return existing
    unit = await OrgUnit.filter(code=unit_code).first()
    if unit is None:
        raise ProvisioningError(f"OIDC_PROVISION_UNIT {unit_code!r} is not a unit")
    name = clean_text(display_name or login, "displayName", max_length=200, required=False, single_line=True) or login
    user = await User.create(login=login, display_name=name, unit=unit)
    await audit_log.record(
        AuditAction.USER_PROVISION,
        "User",
        user.id,
        after={"login": login, "unit": unit.code, "roles": []},
        reason="first sign-in through the identity provider (OIDC_AUTO_PROVISION)",
    )
    await user.fetch_related("unit")
    return user
