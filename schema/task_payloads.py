"""Payloads of the task mutations."""

from __future__ import annotations

import strawberry

from schema.task_types import Task
from schema.types import UserError


@strawberry.type
class TaskPayload:
    task: Task | None = strawberry.field(description="The task as changed; null when nothing changed.")
    user_errors: list[UserError]


@strawberry.type
class SplitTaskPayload:
    task: Task | None = strawberry.field(description="The split task, now a container.")
    children: list[Task] = strawberry.field(description="The sub-tasks created.")
    user_errors: list[UserError]


@strawberry.type
class GeneratePlanPayload:
    created_count: int = strawberry.field(description="Drafts created by this run (0 on a rerun)")
    tasks: list[Task] = strawberry.field(
        description="The draft tasks created; tasks already planned are not created again."
    )
    user_errors: list[UserError]
