"""Policy administration: policy lines and role assignments, audited, reaching the enforcer."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError

from domain.audit_events import AuditAction
from domain.enums import Role
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text, require_reason
from policies.authorizer import POLICY_ARITY
from services import audit_log
from services.context import Session
from services.policy_sync import PolicySync
from services.runner import Work, at_hq, command
from store import policy_store
from store.db import after_commit
from store.models import OrgUnit, PolicyRule, RoleAssignment, User

POLICY = "policy"
ROLE_ASSIGNMENT = "role_assignment"
# Policy and role assignments are HQ's records: the check runs in HQ's domain.
ADMIN_DOMAIN = "hq"
# Granting or revoking a role (assignRole, revokeRole, and any import that changes roles).
may_assign_roles = at_hq("manage", ROLE_ASSIGNMENT)
_TOKEN = re.compile(r"^[a-z0-9_.:*-]{1,64}$")
_ROLES = {r.value for r in Role}


def _validate_line(ptype: str, values: list[str]) -> tuple[str, ...]:
    if ptype not in POLICY_ARITY:
        raise DomainError(ErrorCode.INVALID, "ptype must be p or g2", ("ptype",))
    if len(values) != POLICY_ARITY[ptype]:
        raise DomainError(
            ErrorCode.INVALID,
            "a {ptype} line has {policy_arity} values",
            ("values",),
            ptype=ptype,
            policy_arity=POLICY_ARITY[ptype],
        )
    for i, value in enumerate(values):
        if not _TOKEN.match(value):
            raise DomainError(
                ErrorCode.INVALID,
                "values are 1-64 characters of a-z 0-9 _ . : * -",
                ("values", str(i)),
            )
    if ptype == "p" and values[0] not in _ROLES:
        raise DomainError(ErrorCode.INVALID, "unknown role {values!r}", ("values", "0"), values=values[0])
    domains = values[1:2] if ptype == "p" else values
    for value in domains:
        if not value.startswith("unit:"):
            raise DomainError(ErrorCode.INVALID, "domains look like unit:<code> or unit:*", ("values",))
    return (ptype, *values)


@command(authorize=at_hq("manage", POLICY))
async def add_rule(work: Work, *, sync: PolicySync, ptype: str, values: list[str], reason: str | None) -> PolicyRule:
    why = require_reason(reason)
    line = _validate_line(ptype, values)
    if await policy_store.find_rule(line):
        raise DomainError(ErrorCode.CONFLICT, "this policy line exists already", ("values",))
    rule = await PolicyRule.create(**policy_store.rule_fields(line))
    await policy_store.bump_revision()
    await audit_log.record(AuditAction.POLICY_ADD, "PolicyRule", rule.id, after={"line": list(line)}, reason=why)
    after_commit(lambda: sync.refresh(force=True))  # this process's policy follows what committed
    return rule


@command(authorize=at_hq("manage", POLICY))
async def remove_rule(work: Work, *, sync: PolicySync, ptype: str, values: list[str], reason: str | None) -> PolicyRule:
    why = require_reason(reason)
    line = _validate_line(ptype, values)
    rule = await policy_store.find_rule(line)
    if rule is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such policy line", ("values",))
    if line[0] == "p" and line[3:] == (POLICY, "manage"):
        others = await PolicyRule.filter(ptype="p", v2=POLICY, v3="manage").exclude(id=rule.id).count()
        if not others:
            raise DomainError(
                ErrorCode.CONFLICT, "this is the last line that lets anyone manage the policy", ("values",)
            )
    await rule.delete()
    await policy_store.bump_revision()
    await audit_log.record(AuditAction.POLICY_REMOVE, "PolicyRule", rule.id, before={"line": list(line)}, reason=why)
    after_commit(lambda: sync.refresh(force=True))  # this process's policy follows what committed
    return rule


@command(authorize=may_assign_roles)
async def assign_role(
    work: Work, *, sync: PolicySync, login: str, role: str, unit_code: str, reason: str | None
) -> RoleAssignment:
    why = require_reason(reason)
    user, unit = await _user_and_unit(login, role, unit_code)
    if user.id == work.actor.user_id:
        # Separation of duties: nobody grants themselves a role.
        raise DomainError(ErrorCode.CONFLICT, "another administrator must grant you a role", ("login",))
    try:
        assignment = await RoleAssignment.create(user=user, role=role, unit=unit)
    except IntegrityError:
        raise DomainError(
            ErrorCode.CONFLICT,
            "{login} already holds {role} in {unit_code}",
            login=login,
            role=role,
            unit_code=unit_code,
        ) from None
    await policy_store.bump_revision()
    await audit_log.record(
        AuditAction.ROLE_ASSIGN,
        "RoleAssignment",
        assignment.id,
        after={"user": login, "role": role, "unit": unit_code},
        reason=why,
    )
    after_commit(lambda: sync.refresh(force=True))  # this process's policy follows what committed
    return assignment


@command(authorize=may_assign_roles)
async def revoke_role(
    work: Work, *, sync: PolicySync, login: str, role: str, unit_code: str, reason: str | None
) -> None:
    why = require_reason(reason)
    user, unit = await _user_and_unit(login, role, unit_code)
    assignment = await RoleAssignment.filter(user=user, role=role, unit=unit).first()
    if assignment is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "{login} does not hold {role} in {unit_code}",
            login=login,
            role=role,
            unit_code=unit_code,
        )
    if (
        role == Role.POLICY_ADMIN.value
        and not await RoleAssignment.filter(role=role, user__active=True).exclude(id=assignment.id).exists()
    ):
        raise DomainError(ErrorCode.CONFLICT, "this is the last policy administrator", ("login",))
    await assignment.delete()
    await policy_store.bump_revision()
    await audit_log.record(
        AuditAction.ROLE_REVOKE,
        "RoleAssignment",
        assignment.id,
        before={"user": login, "role": role, "unit": unit_code},
        reason=why,
    )
    after_commit(lambda: sync.refresh(force=True))  # this process's policy follows what committed


async def list_rules(session: Session) -> list[PolicyRule]:
    session.perms.require("read", POLICY, [ADMIN_DOMAIN])
    return list(await PolicyRule.all().order_by("id"))


async def _user_and_unit(login: str, role: str, unit_code: str) -> tuple[User, OrgUnit]:
    if role not in _ROLES:
        raise DomainError(ErrorCode.INVALID, "unknown role {role!r}", ("role",), role=role)
    login = clean_text(login, "login", max_length=64, single_line=True)
    unit_code = clean_text(unit_code, "unitCode", max_length=32, single_line=True)
    user = await User.filter(login=login).first()
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no user {login!r}", ("login",), login=login)
    unit = await OrgUnit.filter(code=unit_code).first()
    if unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no unit {unit_code!r}", ("unitCode",), unit_code=unit_code)
    return user, unit
