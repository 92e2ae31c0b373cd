"""Task queries: the scoped list (for front ends and the calendar) and "my tasks"."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.tasks import TaskKind, TaskStatus
from resolvers.query import global_db_id, page_request
from schema import task_inputs, task_types
from schema.relay import Connection, build_connection
from services.tasks import queries


def _filter(f: task_inputs.TaskFilter | None) -> queries.TaskFilter:
    f = f or task_inputs.TaskFilter()
    return queries.TaskFilter(
        responsible_unit=f.responsible_unit,
        kind=TaskKind(f.kind.value) if f.kind else None,
        status=TaskStatus(f.status.value) if f.status else None,
        year=f.year,
        factory_id=global_db_id(f.factory_id, "Factory", "factoryId"),
        certificate_id=global_db_id(f.certificate_id, "Certificate", "certificateId"),
        overdue=f.overdue,
        window_from=f.window_from,
        window_to=f.window_to,
        top_level_only=f.top_level_only,
        number=f.number,
    )


async def _connection(info: strawberry.Info, page) -> Connection[task_types.Task]:
    info.context.loaders.task.prime_many({t.id: t for t in page.items})
    presented = iter(await info.context.present.tasks(page.items))
    return build_connection(page.items, lambda _: next(presented), page.total, page.has_next, page.has_previous)


@strawberry.type
class TaskQuery:
    @strawberry.field(description="监督任务 Surveillance tasks you may see (filter by unit, kind, status, window...).")
    async def tasks(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
        filter: Annotated[task_inputs.TaskFilter | None,
            strawberry.argument(description="Conditions the tasks must meet; omitted, every task you may see.")] = None,
    ) -> Connection[task_types.Task]:  # fmt: skip
        page_req = page_request(info, first, after, last, before)
        page = await queries.list_tasks(info.context.require_session, _filter(filter), page_req)
        return await _connection(info, page)

    @strawberry.field(description="我的任务 Tasks whose current inspection team includes you.")
    async def my_tasks(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None,
        filter: Annotated[task_inputs.TaskFilter | None,
            strawberry.argument(description="Conditions the tasks must meet; omitted, all of yours.")] = None,
    ) -> Connection[task_types.Task]:  # fmt: skip
        page_req = page_request(info, first, after, None, None)
        page = await queries.list_tasks(info.context.require_session, _filter(filter), page_req, mine=True)
        return await _connection(info, page)

    @strawberry.field(
        description="按编号查任务 The task with this number (任务编号, any case), as `node` would show it: "
        "null if there is none or you may not see it."
    )
    async def task_by_number(
        self,
        info: strawberry.Info,
        number: Annotated[str, strawberry.argument(description="任务编号, e.g. EAST-2026-0042")],
    ) -> task_types.Task | None:
        found = await queries.task_by_number(info.context.require_session, number)
        if found is None:
            return None
        info.context.loaders.task.prime(found.id, found)
        return (await info.context.present.tasks([found]))[0]
