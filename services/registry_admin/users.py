"""People (人员) registered, corrected, deactivated and reactivated by HQ's policy
administrators (`user manage`).

A new person may receive roles at once: each through `assignRole`'s own command
(services/policy_admin.py), so the same rules, policy (`role_assignment manage`) and audit
apply. A deactivated person cannot sign in, and a token issued earlier stops at its next
request (server/authn.py reads `active` on every request); their roles leave the enforcer with
the policy reload. Nobody deactivates themselves, nor the last active policy administrator."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from domain import registry
from domain.audit_events import AuditAction
from domain.enums import Role, UnitKind
from domain.errors import DomainError, ErrorCode
from domain.validation import require_reason
from services import audit_log, policy_admin
from services.policy_sync import PolicySync
from services.registry_admin.common import changed, input_fields, unit_by_code
from services.runner import Work, at_hq, command
from store import policy_store
from store.db import after_commit
from store.models import RoleAssignment, User

KIND = "user"


@command(authorize=at_hq("manage", KIND))
async def create_user(
    work: Work,
    *,
    sync: PolicySync,
    login: str,
    display_name: str,
    unit_code: str,
    email: str | None,
    roles: Sequence[Role],
    reason: str | None,
) -> User:
    why = require_reason(reason)
    unit = await unit_by_code(unit_code)
    with input_fields():
        new = registry.new_person(
            login=login, display_name=display_name, roles=roles, email=email, unit_kind=UnitKind(unit.kind)
        )
    if await User.filter(login__iexact=new.login).exists():  # the provider's logins match case-insensitively
        raise DomainError(
            ErrorCode.CONFLICT, "a person with login {login!r} exists already", ("login",), login=new.login
        )
    try:
        user = await User.create(login=new.login, display_name=new.display_name, unit=unit, email=new.email)
    except IntegrityError:
        raise DomainError(
            ErrorCode.CONFLICT, "a person with login {login!r} exists already", ("login",), login=new.login
        ) from None
    await audit_log.record(
        AuditAction.USER_CREATE,
        "User",
        user.id,
        after={
            "login": new.login,
            "displayName": new.display_name,
            "unit": unit.code,
            "email": new.email,
            "roles": [r.value for r in new.roles],
        },
        reason=why,
    )
    for role in new.roles:
        await policy_admin.assign_role(
            work.user, sync=sync, login=new.login, role=role.value, unit_code=unit.code, reason=why
        )
    return user


@command(authorize=at_hq("manage", KIND))
async def update_user(
    work: Work,
    *,
    user_id: int,
    display_name: str | None,
    email: str | None,
    email_set: bool,
    reason: str | None,
) -> User:
    """A None display name stays as it is; the e-mail address changes only when `email_set`
    (None then removes it)."""
    why = require_reason(reason)
    user = await _user(user_id)
    with input_fields():
        name = user.display_name if display_name is None else registry.person_name(display_name)
        address = registry.email_address(email) if email_set else user.email
    before, after = changed(
        {"displayName": user.display_name, "email": user.email}, {"displayName": name, "email": address}
    )
    if not after:
        raise DomainError(ErrorCode.NO_CHANGE, "the update changes nothing")
    await User.filter(id=user.id).update(display_name=name, email=address)
    await audit_log.record(AuditAction.USER_UPDATE, "User", user.id, before=before, after=after, reason=why)
    await user.refresh_from_db()
    return user


@command(authorize=at_hq("manage", KIND))
async def deactivate_user(work: Work, *, sync: PolicySync, user_id: int, reason: str | None) -> User:
    why = require_reason(reason)
    user = await _user(user_id)
    if not user.active:
        raise DomainError(ErrorCode.NO_CHANGE, "{login} is deactivated already", ("personId",), login=user.login)
    if user.id == work.actor.user_id:
        raise DomainError(ErrorCode.CONFLICT, "another administrator must deactivate you", ("personId",))
    admins = active_policy_admins()
    if await admins.filter(user_id=user.id).exists() and not await admins.exclude(user_id=user.id).exists():
        raise DomainError(ErrorCode.CONFLICT, "this is the last active policy administrator", ("personId",))
    return await _set_active(sync, user, False, AuditAction.USER_DEACTIVATE, why)


@command(authorize=at_hq("manage", KIND))
async def reactivate_user(work: Work, *, sync: PolicySync, user_id: int, reason: str | None) -> User:
    why = require_reason(reason)
    user = await _user(user_id)
    if user.active:
        raise DomainError(ErrorCode.NO_CHANGE, "{login} is active already", ("personId",), login=user.login)
    return await _set_active(sync, user, True, AuditAction.USER_REACTIVATE, why)


def active_policy_admins():
    """The policy administrator roles held by active people: never none (deactivateUser, revokeRole
    and the people import keep at least one)."""
    return RoleAssignment.filter(role=Role.POLICY_ADMIN.value, user__active=True)


async def _user(user_id: int) -> User:
    user = await User.filter(id=user_id).first()
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such person", ("personId",))
    return user


async def _set_active(sync: PolicySync, user: User, active: bool, action: AuditAction, why: str) -> User:
    # Conditional: of two concurrent requests, only one changes the person and records it.
    if not await User.filter(id=user.id, active=not active).update(active=active):
        raise DomainError(
            ErrorCode.NO_CHANGE, "{login} changed meanwhile; reload and retry", ("personId",), login=user.login
        )
    await policy_store.bump_revision()  # the enforcer holds roles of active people only
    await audit_log.record(action, "User", user.id, before={"active": not active}, after={"active": active}, reason=why)
    after_commit(lambda: sync.refresh(force=True))  # this process's policy follows what committed
    await user.refresh_from_db()
    return user
