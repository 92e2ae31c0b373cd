"""`surveil import people`: people by login (compared without regard to case, as sign-in does),
each placed in a unit with the roles the row lists.

The row's roles become the person's roles in that unit: missing ones are granted, others held
there revoked (audited as role.assign / role.revoke, like assignRole and revokeRole); roles held
in other units are left alone. A person's unit is not changed by a file (a row naming another
unit is refused: that is administration's). A deactivated person stays deactivated. Through
GraphQL, changing roles needs what assignRole needs (`role_assignment manage` at HQ) besides
`user manage`, and nobody changes their own roles; no import leaves no active policy
administrator."""

from __future__ import annotations

from tortoise.functions import Lower

from domain.audit_events import AuditAction
from domain.enums import Role, UnitKind
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.registry import NewPerson, new_person
from services import audit_log
from services.errors import Forbidden
from services.imports.common import Change, Plan, Row, audit_records, chunks, diff, first_of_each_key
from services.imports.context import Context
from services.imports.parsing import optional, parse_roles, text
from services.imports.report import Problem
from services.policy_admin import may_assign_roles
from services.registry_admin.users import active_policy_admins
from store.models import OrgUnit, RoleAssignment, User

TABLES = ("app_user", "role_assignment")  # written by this kind

FIELDS = ("display_name", "unit", "email")
NO_ROLES = "granting or revoking roles (角色) needs role_assignment manage at HQ, as assignRole does"


def _draft(row: Row, units: dict[str, OrgUnit]) -> NewPerson:
    errors: list[DomainError] = []
    code = text(row.get("unit_code"))
    unit = units.get(code)
    if unit is None:
        errors.append(
            DomainError(ErrorCode.NOT_FOUND, "no unit {code}: import the units first", ("unit_code",), code=code)
            if code
            else DomainError(ErrorCode.REQUIRED, "unit_code is required", ("unit_code",))
        )
    try:
        roles = parse_roles(row.get("roles"))
    except DomainError as exc:
        errors.append(exc)
        roles = []
    try:
        person = new_person(
            login=text(row.get("login")),
            display_name=text(row.get("display_name")),
            roles=roles,
            email=optional(row.get("email")),
            unit_kind=unit.kind if unit else UnitKind.HQ,
        )
    except DomainErrors as exc:
        errors.extend(e for e in exc.errors if unit is not None or e.field != ("roles",))
    if errors:
        raise DomainErrors(errors)
    return person


async def plan(ctx: Context, rows: list[Row]) -> Plan:
    result = Plan()
    rows = first_of_each_key(result, rows, lambda r: text(r.get("login")).lower(), "login")
    units: dict[str, OrgUnit] = {}
    for batch in chunks(sorted({text(r.get("unit_code")) for r in rows})):
        units |= {u.code: u for u in await OrgUnit.filter(code__in=batch)}
    drafts: list[tuple[Row, NewPerson]] = []
    for done, row in enumerate(rows, start=1):
        try:
            drafts.append((row, _draft(row, units)))
        except DomainErrors as exc:
            result.reject(row, exc)
        await ctx.tick("checking", done, len(rows))
    stored = await _stored([d.login for _, d in drafts])
    held = await _roles([u.id for u in stored.values()])
    by_id = {u.id: u for u in units.values()} | {
        u.id: u for u in await OrgUnit.filter(id__in=list({s.unit_id for s in stored.values()}))
    }
    admins = await active_policy_admins().count()
    may_assign = await _may_assign_roles(ctx)
    for row, draft in drafts:
        unit = units[text(row.get("unit_code"))]
        roles = sorted(r.value for r in draft.roles)
        user = stored.get(draft.login.lower())
        wanted = {"display_name": draft.display_name, "unit": unit.code, "email": draft.email}
        if roles and user is None and not may_assign:
            result.problem(row, "roles", ErrorCode.CONFLICT, NO_ROLES)
            continue
        if user is None:
            after = {"login": draft.login, **wanted, "roles": roles}
            result.changes.append(Change(row.number, draft.login, None, after, {**wanted, "roles": roles}))
            continue
        current = {"display_name": user.display_name, "unit": by_id[user.unit_id].code, "email": user.email}
        if current["unit"] != unit.code:
            held = current["unit"]
            message = f"已属于单位 {held} / belongs to unit {held}; change it through administration"
            result.problem(row, "unit_code", ErrorCode.CONFLICT, message)
            continue
        if "email" not in ctx.source.columns:
            wanted["email"] = user.email  # a file without the column leaves the address as it is
        before, after = diff(current, wanted)
        had = sorted(held.get((user.id, unit.id), set()))
        if had != roles:
            before["roles"], after["roles"] = had, roles
        if "roles" in after and ctx.work.session is not None and user.id == ctx.work.actor.user_id:
            result.problem(row, "roles", ErrorCode.CONFLICT, "another administrator must change your own roles")
            continue
        if "roles" in after and not may_assign:
            result.problem(row, "roles", ErrorCode.CONFLICT, NO_ROLES)
            continue
        if after:
            result.changes.append(Change(row.number, user.login, before, after, {**wanted, "roles": roles}, user))
        else:
            result.unchanged += 1
    _keep_a_policy_admin(result, admins)
    return result


async def _may_assign_roles(ctx: Context) -> bool:
    """Whether this import may grant and revoke roles: assignRole's own check through GraphQL;
    the CLI is the trusted system actor."""
    if ctx.work.session is None:
        return True
    try:
        await may_assign_roles(ctx.work.session, {})
    except Forbidden:
        return False
    return True


def _keep_a_policy_admin(result: Plan, admins: int) -> None:
    """`admins`: the policy administrator roles active people hold now. After the import's
    changes at least one must remain (as revokeRole and deactivateUser hold): a grant counts only
    for an active person (a new one is active), a revocation only from an active one."""
    admin = Role.POLICY_ADMIN.value

    def active(change: Change) -> bool:
        return change.existing is None or change.existing.active

    revoking = [c for c in result.updated if admin in c.before.get("roles", []) and admin not in c.after["roles"]]
    granting = [
        c
        for c in result.changes
        if admin in (c.after.get("roles") or []) and admin not in (c.before or {}).get("roles", []) and active(c)
    ]
    if revoking and admins - sum(active(c) for c in revoking) + len(granting) <= 0:
        for change in revoking:
            result.changes.remove(change)
            message = "this would remove the last policy administrator among active people"
            value = ";".join(change.after["roles"])
            result.problems.append(Problem(change.row, "roles", ErrorCode.CONFLICT, message, value))


async def _stored(logins: list[str]) -> dict[str, User]:
    """Stored users among `logins`, by lower-case login (one IN list per batch)."""
    found: dict[str, User] = {}
    wanted = {login.lower() for login in logins}
    for batch in chunks(sorted(wanted)):
        for user in await User.annotate(lower_login=Lower("login")).filter(lower_login__in=batch):
            found[user.login.lower()] = user
    return found


async def _roles(user_ids: list[int]) -> dict[tuple[int, int], set[str]]:
    held: dict[tuple[int, int], set[str]] = {}
    for batch in chunks(user_ids):
        for user_id, unit_id, role in await RoleAssignment.filter(user_id__in=batch).values_list(
            "user_id", "unit_id", "role"
        ):
            held.setdefault((user_id, unit_id), set()).add(role)
    return held


async def apply(ctx: Context, result: Plan) -> None:
    units = dict(
        await OrgUnit.filter(code__in=list({c.draft["unit"] for c in result.changes})).values_list("code", "id")
    )
    total, done = len(result.changes), 0
    for batch in chunks(result.created):
        await User.bulk_create(
            [
                User(
                    login=c.key,
                    display_name=c.draft["display_name"],
                    unit_id=units[c.draft["unit"]],
                    email=c.draft["email"],
                    active=True,
                )
                for c in batch
            ],
            batch_size=500,
        )
        done += len(batch)
        await ctx.tick("writing", done, total)
    users = {c.key: c.existing for c in result.updated}
    for batch in chunks([c.key for c in result.created]):
        users |= {u.login: u for u in await User.filter(login__in=batch)}
    changed = [c for c in result.updated if c.after.keys() - {"roles"}]
    for change in changed:
        user = change.existing
        user.display_name, user.email = change.draft["display_name"], change.draft["email"]
        user.unit_id = units[change.draft["unit"]]
    if changed:
        await User.bulk_update(
            [c.existing for c in changed], fields=["display_name", "email", "unit_id"], batch_size=500
        )
    ids = {login: user.id for login, user in users.items()}
    await audit_log.record_many(audit_records(ctx.source, "User", result.changes, ids))
    await _roles_follow(ctx, result, users, units)
    await ctx.tick("writing", total, total)


async def _roles_follow(ctx: Context, result: Plan, users: dict[str, User], units: dict[str, int]) -> None:
    """Grant the missing roles and revoke the others held in the row's unit, each audited."""
    grants, revokes = [], []
    for change in result.changes:
        if "roles" not in change.after:
            continue
        unit = change.draft["unit"]
        before = set((change.before or {}).get("roles", []))
        after = set(change.after["roles"])
        grants += [(change, role, unit) for role in sorted(after - before)]
        revokes += [(change, role, unit) for role in sorted(before - after)]
    if not grants and not revokes:
        return
    await RoleAssignment.bulk_create(
        [RoleAssignment(user_id=users[c.key].id, role=role, unit_id=units[unit]) for c, role, unit in grants],
        batch_size=500,
    )
    assignments = {}
    for batch in chunks(sorted({users[c.key].id for c, _, _ in grants + revokes})):
        for a in await RoleAssignment.filter(user_id__in=batch).values("id", "user_id", "role", "unit_id"):
            assignments[(a["user_id"], a["role"], a["unit_id"])] = a["id"]
    revoked = [assignments[(users[c.key].id, role, units[unit])] for c, role, unit in revokes]
    for batch in chunks(revoked):
        await RoleAssignment.filter(id__in=batch).delete()
    records = []
    for action, items, side in (
        (AuditAction.ROLE_ASSIGN, grants, "after"),
        (AuditAction.ROLE_REVOKE, revokes, "before"),
    ):
        for change, role, unit in items:
            records.append(
                {
                    "action": action,
                    "object_type": "RoleAssignment",
                    "object_id": assignments[(users[change.key].id, role, units[unit])],
                    side: {"user": change.key, "role": role, "unit": unit},
                    "reason": ctx.source.reason(change.row),
                }
            )
    await audit_log.record_many(records)
    await ctx.policy_changed()
