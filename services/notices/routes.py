"""Notice routes (issue 14): who receives which notice, per unit and role, managed like policy
lines by HQ's policy administrators (policy `notice_route/manage` at HQ), audited with who and
why. A route is (kind, role, unit): `unit` a unit code, or `*` for every unit.

Removing a route deletes its row, as removing a policy line does: the audit trail keeps the
route's content, who removed it and why, and the same route can be added again later (a
soft-deleted row would hold the unique (kind, role, unit) key or need a partial index on both
databases for nothing a reader gains).

Reading: HQ's policy administrators read every route; a planner (`notice_route/read`, in the
units where they plan) reads those in force for their own units: their unit's and `*`."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from domain.audit_events import AuditAction
from domain.enums import Role
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.notices import NoticeKind
from domain.validation import clean_text, require_reason
from services import audit_log
from services.context import Session
from services.errors import Forbidden, bounded
from services.runner import Work, at_hq, command
from store.models import NoticeRoute, OrgUnit

KINDS = {k.value for k in NoticeKind}
ROLES = {r.value for r in Role}
EVERY_UNIT = "*"
NOTICE_ROUTE = "notice_route"


def _route(row: NoticeRoute) -> dict:
    return {"kind": row.kind, "role": row.role, "unit": row.unit}


async def _checked(kind: str, role: str, unit_code: str) -> tuple[str, str, str]:
    errors = []
    kind, role = kind.strip(), role.strip()
    if kind not in KINDS:
        errors.append(DomainError(ErrorCode.INVALID, "not a notice kind", ("kind",)))
    if role not in ROLES:
        errors.append(DomainError(ErrorCode.INVALID, "unknown role {role!r}", ("role",), role=role[:32]))
    unit_code = clean_text(unit_code, "unitCode", max_length=32, single_line=True) or ""
    if unit_code != EVERY_UNIT and not await OrgUnit.filter(code=unit_code).exists():
        errors.append(DomainError(ErrorCode.NOT_FOUND, "no unit {unit_code!r}", ("unitCode",), unit_code=unit_code))
    if errors:
        raise DomainErrors(errors)
    return kind, role, unit_code


@command(authorize=at_hq("manage", NOTICE_ROUTE))
async def add_route(work: Work, *, kind: str, role: str, unit_code: str, reason: str | None) -> NoticeRoute:
    why = require_reason(reason)
    kind, role, unit = await _checked(kind, role, unit_code)
    duplicate = DomainError(ErrorCode.CONFLICT, "this notice route exists already", ("unitCode",))
    if await NoticeRoute.filter(kind=kind, role=role, unit=unit).exists():
        raise duplicate
    try:
        row = await NoticeRoute.create(kind=kind, role=role, unit=unit)
    except IntegrityError:  # a concurrent add of the same route committed first
        raise duplicate from None
    await audit_log.record(AuditAction.NOTICE_ROUTE_ADD, "NoticeRoute", row.id, after=_route(row), reason=why)
    return row


@command(authorize=at_hq("manage", NOTICE_ROUTE))
async def remove_route(work: Work, *, route_id: int, reason: str | None) -> NoticeRoute:
    why = require_reason(reason)
    row = await NoticeRoute.filter(id=route_id).select_for_update().first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such notice route", ("id",))
    await row.delete()
    await audit_log.record(AuditAction.NOTICE_ROUTE_REMOVE, "NoticeRoute", route_id, before=_route(row), reason=why)
    return row


def may_manage(session: Session) -> bool:
    return session.perms.decide("manage", NOTICE_ROUTE, ["hq"]).allowed


async def list_routes(session: Session, *, kind: str | None = None, unit_code: str | None = None) -> list[NoticeRoute]:
    """The routes the caller may read, of one kind and those in force for one unit (its own and
    `*`; `*` alone: the every-unit routes) when asked. Others: FORBIDDEN, whether the unit
    exists or not."""
    kind = None if kind is None else bounded(kind, "kind", 64)
    unit_code = None if unit_code is None else bounded(unit_code.strip(), "unitCode", 32)
    rows = NoticeRoute.all()
    if not may_manage(session):
        own = {d.removeprefix("unit:") for d in session.perms.domains("read", NOTICE_ROUTE)}
        if not own or (unit_code is not None and unit_code != EVERY_UNIT and unit_code not in own):
            raise Forbidden("notice routes are read by HQ's policy administrators, and by planners for their own units")
        rows = rows.filter(unit__in=[EVERY_UNIT, *sorted(own)])
    if kind is not None:
        rows = rows.filter(kind=kind)
    if unit_code is not None:
        rows = rows.filter(unit__in=[EVERY_UNIT] if unit_code == EVERY_UNIT else [EVERY_UNIT, unit_code])
    return list(await rows.order_by("kind", "role", "unit", "id"))
