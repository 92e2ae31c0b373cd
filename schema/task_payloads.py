"""Payloads of the task mutations."""

from __future__ import annotations

import strawberry

from schema.task_types import Task
from schema.types import UserError


@strawberry.type
class TaskPayload:
    task: Task | None
    user_errors: list[UserError]


@strawberry.type
class SplitTaskPayload:
    task: Task | None
    children: list[Task]
    user_errors: list[UserError]


@strawberry.type
class GeneratePlanPayload:
    created_count: int = strawberry.field(description="Drafts created by this run (0 on a rerun)")
    tasks: list[Task]
    user_errors: list[UserError]
