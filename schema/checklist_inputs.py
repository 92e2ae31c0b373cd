"""Inputs and payloads of the checklist mutations (addChecklistItem, answerChecklistItem)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.file_uploads import Upload

from schema import result_enums as re
from schema.checklist_types import ChecklistAnswer, ChecklistItem
from schema.idempotency import idempotency_key_field
from schema.types import UserError

if TYPE_CHECKING:
    from schema.task_types import Task


@strawberry.input(description="任务特定检查项 A task-specific item the planner adds before the team starts.")
class AddChecklistItemInput:
    task_id: strawberry.ID = strawberry.field(description="The task (issued or team assigned)")
    expected_version: int = strawberry.field(description="The task's version")
    code: str = strawberry.field(description="条款号 Unique within the task's checklist")
    title: str = strawberry.field(description="标题 Title (Chinese)")
    text: str = strawberry.field(description="内容 What to check (Chinese)")
    title_en: str | None = strawberry.field(default=None, description="English title")
    text_en: str | None = strawberry.field(default=None, description="English text")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="检查证据 One evidence file with the device's capture time and GPS position.")
class ChecklistEvidenceInput:
    file: Upload = strawberry.field(description="PNG, JPEG or PDF (multipart), within the upload size limit")
    captured_at: dt.datetime | None = strawberry.field(
        default=None, description="拍摄时间 The device's capture time, with its UTC offset"
    )
    latitude: float | None = strawberry.field(default=None, description="纬度 -90 to 90; with longitude or not at all")
    longitude: float | None = strawberry.field(default=None, description="经度 -180 to 180; with latitude")


@strawberry.input(
    description="回答检查项 The team answers an item (offline-safe: resend with the same idempotencyKey). "
    "Changing an answer already given needs the item's expectedVersion."
)
class AnswerChecklistItemInput:
    item_id: strawberry.ID = strawberry.field(description="The checklist item")
    answer: ChecklistAnswer = strawberry.field(description="符合 / 不符合 / 不适用")
    severity: re.Severity | None = strawberry.field(default=None, description="不符合程度 Only for a non-conformity")
    description: str | None = strawberry.field(
        default=None, description="不符合事实 The non-conformity as found (required for it, refused otherwise)"
    )
    reason: str | None = strawberry.field(default=None, description="不适用理由 Required for not applicable")
    note: str | None = strawberry.field(default=None, description="备注 Internal note (never shown to the enterprise)")
    captured_at: dt.datetime | None = strawberry.field(
        default=None, description="The device's time of the answer, with its UTC offset (within 30 days)"
    )
    expected_version: int | None = strawberry.field(
        default=None, description="The item's version: required to change an answer already given"
    )
    evidence: list[ChecklistEvidenceInput] = strawberry.field(
        default_factory=list, description="检查证据 Up to 10 files, added to those already kept"
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The checklist item changed, and its task.")
class ChecklistItemPayload:
    item: ChecklistItem | None = strawberry.field(description="The item as the caller sees it now")
    task: Annotated[Task, strawberry.lazy("schema.task_types")] | None = strawberry.field(description="The item's task")
    user_errors: list[UserError]
