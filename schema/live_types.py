"""Payloads of the live updates (GraphQL subscriptions, issue G)."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.task_types import Task


@strawberry.enum(description="我的工作的变化 How a task changed for your work.")
class WorkChange(Enum):
    ADDED = strawberry.enum_value("ADDED", description="新增 It became your work")
    CHANGED = strawberry.enum_value("CHANGED", description="变更 It is still your work and changed")
    REMOVED = strawberry.enum_value(
        "REMOVED", description="移除 It is no longer your work (or no longer visible to you)"
    )


@strawberry.enum(description="工作原因 Why a task is your work.")
class WorkReason(Enum):
    TEAM = strawberry.enum_value("TEAM", description="检查组 You are on its current inspection team")
    REVIEW = strawberry.enum_value("REVIEW", description="审核 You reviewed its results")
    DECISION = strawberry.enum_value("DECISION", description="决定 You took its decision")
    PURCHASE = strawberry.enum_value("PURCHASE", description="买样 You are assigned to buy samples for it")


@strawberry.type(description="我的工作变化 A change to one task of your work (myWorkChanged).")
class MyWorkChange:
    task_id: strawberry.ID = strawberry.field(description="任务 The task's global ID, for node(id:)")
    change: WorkChange = strawberry.field(description="变化 ADDED, CHANGED or REMOVED")
    reasons: list[WorkReason] = strawberry.field(description="原因 Why it is your work now (empty when REMOVED)")
    task: Task | None = strawberry.field(
        description="任务 The task as you may read it now; null when removed or not readable to you (a buyer)"
    )
