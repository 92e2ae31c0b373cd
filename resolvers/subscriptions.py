"""Live updates over graphql-transport-ws (issue G): `notificationReceived`, `taskChanged`,
`myWorkChanged`. An event on the bus only names what changed; each one is re-read for each
subscriber at delivery time with the subscriber as they are now (token re-checked, current
roles), through the same services the queries use: what a query would not show, a
subscription does not deliver. A token that expires or a user deactivated ends the
subscription (`complete`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from resolvers.notice_presenter import present
from resolvers.query import global_db_id
from schema import live_types, notice_types, task_types
from schema.relay import to_global_id
from services import live, my_work
from services.notices import inbox
from services.tasks.queries import visible_tasks


async def _events(
    info: strawberry.Info, channel: str, on_listen=None, wanted=None
) -> AsyncGenerator[tuple[object, dict], None]:
    """(the reader now, message) for each message of `channel`; ends when the reader is signed out.
    `on_listen`: awaited once listening, before the first message (nothing is missed after it).
    `wanted(message)`: False skips a message before anything is read for it (the reader is
    re-checked on heartbeats and on wanted messages only: every event costs each subscriber
    nothing but this test)."""
    context = info.context
    _ = context.require_session  # signed in (connection_init), or UNAUTHENTICATED
    async with live.events(channel, context.heartbeat_seconds) as messages:
        if on_listen is not None:
            await on_listen()
        async for message in messages:
            if message is not live.HEARTBEAT and wanted is not None and not wanted(message):
                continue
            session = await context.renewed_session()
            if session is None:
                return
            if message is not live.HEARTBEAT:
                yield session, message


def _is_int(value: object) -> bool:
    """A bus message's id: an int, never a bool (True == 1) nor anything else."""
    return isinstance(value, int) and not isinstance(value, bool)


async def _tasks(info: strawberry.Info, session, ids: list[int]) -> dict[int, task_types.Task]:
    rows = await visible_tasks(session, ids)
    presented = await info.context.present.tasks(list(rows.values()))
    return dict(zip(rows, presented, strict=True))


@strawberry.type(
    description="实时更新 Live updates over the graphql-transport-ws protocol (websocket on /graphql); "
    'sign in with connection_init {Authorization: "Bearer <token>"}.'
)
class Subscription:
    @strawberry.subscription(
        description="新通知 Each notice that reaches your inbox from now on, in your language (as `notifications`)."
    )
    async def notification_received(self, info: strawberry.Info) -> AsyncGenerator[notice_types.Notification, None]:
        me = info.context.require_session.actor.user_id

        def wanted(message: dict) -> bool:  # the bus is not trusted: another shape is no event
            people, event = message.get("people"), message.get("event")
            return _is_int(event) and isinstance(people, list) and me in (p for p in people if _is_int(p))

        async for session, message in _events(info, live.NOTICES, wanted=wanted):
            entries = await inbox.entries_of_event(session, message["event"])
            language = await inbox.reader_language(session, info.context.accept_language)
            for entry in entries:
                yield present(entry, language)

    @strawberry.subscription(
        description="任务变更 The task each time it changes, as you may read it then; nothing while you may not see it."
    )
    async def task_changed(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="任务 The task's global ID")],
    ) -> AsyncGenerator[task_types.Task, None]:
        task_id = global_db_id(id, "Task", "id")
        mine = lambda m: _is_int(m.get("task")) and m["task"] == task_id  # noqa: E731
        async for session, _message in _events(info, live.TASKS, wanted=mine):
            found = await _tasks(info, session, [task_id])
            if task_id in found:
                yield found[task_id]

    @strawberry.subscription(
        description="我的工作变化 Changes to your work: tasks of your teams (as `myTasks`), your reviews and "
        "decisions, and your purchase work; each says which task, how and why."
    )
    async def my_work_changed(self, info: strawberry.Info) -> AsyncGenerator[live_types.MyWorkChange, None]:
        mine: set[int] = set()

        async def current_work() -> None:  # after listening: a change meanwhile is heard, not lost
            mine.update(await my_work.my_task_ids(info.context.require_session))

        async for session, message in _events(info, live.TASKS, current_work):
            task_id = message.get("task")
            if not _is_int(task_id):
                continue
            why = (await my_work.reasons(session, [task_id])).get(task_id)
            if why is None and task_id not in mine:
                continue
            if why is None:
                mine.discard(task_id)
                change, task = live_types.WorkChange.REMOVED, None
            else:
                change = live_types.WorkChange.CHANGED if task_id in mine else live_types.WorkChange.ADDED
                mine.add(task_id)
                task = (await _tasks(info, session, [task_id])).get(task_id)
            yield live_types.MyWorkChange(
                task_id=strawberry.ID(to_global_id("Task", task_id)),
                change=change,
                reasons=sorted((live_types.WorkReason(r.value) for r in why or ()), key=lambda r: r.value),
                task=task,
            )
