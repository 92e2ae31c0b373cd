"""Live events for GraphQL subscriptions (issue G): published through the process's bus
(store/bus.py) after the commit of what they announce, heard by every process of the
deployment. An event says only *which* object changed: a subscriber re-reads it with its own
permissions at delivery time, so nothing secret travels on the bus.

Channels: `tasks` (`{"task": id}`) for every change recorded against a task, and `notices`
(`{"event": outbox id, "people": [user ids]}`) when inbox entries are written."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from store import bus
from store.db import after_commit

TASKS = "tasks"
NOTICES = "notices"
TASK_TYPE = "SurveillanceTask"


def available() -> bool:
    """Whether events reach this process (False while Redis is away)."""
    return bus.current().available


def task_changed(pending: set[int], task_id: int | None) -> None:
    """Announce `task_id` once the transaction commits (once per set `pending` of a command)."""
    if task_id is None or task_id in pending:
        return
    pending.add(task_id)
    after_commit(lambda: bus.current().publish(TASKS, {"task": task_id}))


def task_of(object_type: str, object_id: int | None, target: object) -> int | None:
    """The task an audit record is about: the record's own object, else the opened object's."""
    if object_type == TASK_TYPE:
        return object_id
    if type(target).__name__ == TASK_TYPE:
        return getattr(target, "id", None)
    return getattr(target, "task_id", None)


def notices_written(event_id: int, people: list[int]) -> None:
    if people:
        after_commit(lambda: bus.current().publish(NOTICES, {"event": event_id, "people": people}))


HEARTBEAT: dict = {}  # yielded by `events` when nothing arrived for a while: time to re-check the reader


@contextlib.asynccontextmanager
async def events(channel: str, heartbeat_seconds: float) -> AsyncIterator[AsyncIterator[dict]]:
    """The channel's messages; `HEARTBEAT` after `heartbeat_seconds` without one."""
    async with bus.current().listen(channel) as listener:

        async def messages() -> AsyncIterator[dict]:
            while True:
                try:
                    yield await asyncio.wait_for(anext(listener), heartbeat_seconds)
                except TimeoutError:
                    yield HEARTBEAT

        yield messages()
