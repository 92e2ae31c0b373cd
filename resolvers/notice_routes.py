"""Notice routes (issue 14): HQ's policy administrators decide who receives which notice, per
unit and role; a planner reads the routes in force for their own units."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.plumbing import db_id, mutation, run
from schema import notice_route_types as t
from schema.relay import to_global_id
from services.notices import routes


def route(row) -> t.NoticeRoute:
    return t.NoticeRoute(
        id=strawberry.ID(to_global_id("NoticeRoute", row.id)), kind=row.kind, role=row.role, unit_code=row.unit
    )


@strawberry.type
class NoticeRouteQuery:
    @strawberry.field(
        description="通知路由 Who receives which notice: every route for HQ's policy administrators; a planner "
        "reads those in force for their own units (FORBIDDEN to others, and for another unit)."
    )
    async def notice_routes(
        self,
        info: strawberry.Info,
        kind: Annotated[str | None, strawberry.argument(description="Only this notice kind (its code)")] = None,
        unit_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only the routes in force for this unit: its own and `*`; `*` alone: the every-unit routes"
            ),
        ] = None,
    ) -> list[t.NoticeRoute]:
        rows = await routes.list_routes(info.context.require_session, kind=kind, unit_code=unit_code)
        return [route(r) for r in rows]


@strawberry.type
class NoticeRouteMutation:
    @mutation(
        description="新增通知路由 Route a notice kind to the holders of a role in one unit or in every unit "
        "(HQ's policy administrators); audited with the reason, effective for the next events fanned out."
    )
    async def add_notice_route(self, info: strawberry.Info, input: t.AddNoticeRouteInput) -> t.NoticeRoutePayload:
        row, errors = await run(
            routes.add_route(
                info.context.require_session,
                kind=input.kind,
                role=input.role,
                unit_code=input.unit_code,
                reason=input.reason,
            )
        )
        return t.NoticeRoutePayload(route=route(row) if row else None, user_errors=errors)

    @mutation(
        description="删除通知路由 Stop routing a notice kind to a role (HQ's policy administrators); audited "
        "with the reason, the route's content kept in the audit trail."
    )
    async def remove_notice_route(self, info: strawberry.Info, input: t.RemoveNoticeRouteInput) -> t.NoticeRoutePayload:
        async def command():
            route_id = db_id(input.id, "NoticeRoute", "id")
            return await routes.remove_route(info.context.require_session, route_id=route_id, reason=input.reason)

        row, errors = await run(command())
        return t.NoticeRoutePayload(route=route(row) if row else None, user_errors=errors)
