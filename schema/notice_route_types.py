"""Notice routes in GraphQL (issue 14): who receives which notice, per unit and role."""

from __future__ import annotations

import strawberry

from schema.enums import Role
from schema.idempotency import idempotency_key_field
from schema.notice_types import DEPRECATED_KIND, KIND, KIND_CODE, NoticeKind, notice_kind
from schema.types import UserError

ROLE = "岗位 The role's code as in policy lines, e.g. `planner`, `enterprise`, `agency_inspector`"
UNIT = "单位 A unit's code (`east`, `ent-e001`), or `*` for every unit"


@strawberry.type(
    description="通知路由 Who receives what: people holding `role` in a unit of an event's audience receive "
    "notices of `kind` when `unitCode` is that unit or `*` (every unit)."
)
class NoticeRoute:
    id: strawberry.ID = strawberry.field(description="The route's ID, for removeNoticeRoute")
    kind: str = strawberry.field(description=KIND, deprecation_reason=DEPRECATED_KIND)
    role: str = strawberry.field(description=ROLE, deprecation_reason="Use roleCode, an enum.")
    unit_code: str = strawberry.field(description=UNIT)

    @strawberry.field(description=KIND_CODE)
    def kind_code(self) -> NoticeKind | None:  # type: ignore[valid-type]
        return notice_kind(self.kind)

    @strawberry.field(description="岗位 The role as an enum; null for a role retired since.")
    def role_code(self) -> Role | None:  # type: ignore[valid-type]
        try:
            return Role(self.role)
        except ValueError:
            return None


@strawberry.input(
    description="新增通知路由 Route a notice kind to a role, in one unit or every unit (HQ's policy administrators)."
)
class AddNoticeRouteInput:
    kind: str = strawberry.field(description=KIND)
    role: str = strawberry.field(description=ROLE)
    unit_code: str = strawberry.field(description=UNIT)
    reason: str | None = strawberry.field(default=None, description="Why (required), for the audit trail")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="删除通知路由 Stop routing a notice kind to a role (HQ's policy administrators).")
class RemoveNoticeRouteInput:
    id: strawberry.ID = strawberry.field(description="The route's ID (noticeRoutes)")
    reason: str | None = strawberry.field(default=None, description="Why (required), for the audit trail")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The route added, or the route removed (its content as it was).")
class NoticeRoutePayload:
    route: NoticeRoute | None = strawberry.field(description="The route")
    user_errors: list[UserError]
