"""Clause checklists in GraphQL (工厂检查记录表 0402.06): the items of a task, their answers and
evidence. Internal: empty for viewers without `task.internal` (enterprises)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import checklists
from schema import result_enums as re
from schema.enums import _mirror
from schema.relay import Node, to_global_id
from schema.types import Person

if TYPE_CHECKING:
    from schema.task_types import Document

ChecklistAnswer = _mirror(checklists.ChecklistAnswer, "ChecklistAnswer", "检查结果 The answer to a checklist item", {
    "CONFORMS": "符合 Conforms",
    "NONCONFORMITY": "不符合 Non-conformity (with its severity and description)",
    "NOT_APPLICABLE": "不适用 Not applicable (with the reason)",
})  # fmt: skip

ChecklistItemSource = _mirror(checklists.ItemSource, "ChecklistItemSource", "检查项来源 Where an item comes from", {
    "CLAUSE": "年度监督检查条款 Drawn from a yearly surveillance clause when the task was issued",
    "TASK": "任务特定检查项 Added by the task's planner for this task",
})  # fmt: skip


@strawberry.type(description="检查证据 A photo or document attached to an answer, with the device's time and position.")
class ChecklistEvidence:
    document: Annotated[Document, strawberry.lazy("schema.task_types")] = strawberry.field(
        description="The stored file (download it with the same bearer token)"
    )
    captured_at: dt.datetime | None = strawberry.field(description="拍摄时间 The device's capture time")
    latitude: float | None = strawberry.field(description="纬度 Latitude where it was captured")
    longitude: float | None = strawberry.field(description="经度 Longitude where it was captured")


@strawberry.type(description="检查项 One item of a task's checklist and the team's answer.")
class ChecklistItem(Node):
    code: str = strawberry.field(description="条款号 The clause's code (or the planner's code for a task item)")
    title: str = strawberry.field(description="标题 Title (Chinese)")
    title_en: str | None = strawberry.field(description="English title")
    text: str = strawberry.field(description="条款内容 What to check (Chinese)")
    text_en: str | None = strawberry.field(description="English text")
    focus: bool = strawberry.field(description="年度重点 HQ's focus item of the year")
    source: ChecklistItemSource = strawberry.field(description="A yearly clause or a task-specific item")
    clause_version: int | None = strawberry.field(description="The clause version the item was drawn from")
    answer: ChecklistAnswer | None = strawberry.field(description="Null until answered")
    severity: re.Severity | None = strawberry.field(description="不符合程度 For a non-conformity")
    description: str | None = strawberry.field(description="不符合事实 The non-conformity as found")
    reason: str | None = strawberry.field(description="不适用理由 Why the item does not apply")
    note: str | None = strawberry.field(description="备注 The team's internal note (never shown to the enterprise)")
    answered_by: Person | None = strawberry.field(description="Who answered last")
    answered_at: dt.datetime | None = strawberry.field(description="When the server recorded the answer")
    captured_at: dt.datetime | None = strawberry.field(description="The device's time of the answer")
    version: int = strawberry.field(description="For expectedVersion when changing an answer")
    _model: strawberry.Private[object]

    @strawberry.field(description="检查证据 Evidence files, oldest first (never removed)")
    async def evidence(self, info: strawberry.Info) -> list[ChecklistEvidence]:
        from schema.task_types import Document

        rows = await info.context.loaders.checklist_evidence.load(self._model.id)
        return [
            ChecklistEvidence(document=Document.from_model(e.document), captured_at=e.captured_at,
                              latitude=e.latitude, longitude=e.longitude)
            for e in rows
        ]  # fmt: skip

    @classmethod
    def from_model(cls, m, answered_by: Person | None) -> ChecklistItem:
        return cls(
            id=to_global_id("ChecklistItem", m.id), code=m.code, title=m.title, title_en=m.title_en, text=m.text,
            text_en=m.text_en, focus=m.focus,
            source=ChecklistItemSource(checklists.ItemSource.CLAUSE if m.clause_id else checklists.ItemSource.TASK),
            clause_version=m.clause_version, answer=ChecklistAnswer(m.answer) if m.answer else None,
            severity=re.Severity(m.severity) if m.severity else None, description=m.description, reason=m.reason,
            note=m.note, answered_by=answered_by, answered_at=m.answered_at, captured_at=m.captured_at,
            version=m.version, _model=m,
        )  # fmt: skip


@strawberry.type(description="检查进度 How far the checklist is answered.")
class ChecklistProgress:
    total: int = strawberry.field(description="Items on the checklist")
    answered: int = strawberry.field(description="Items answered")
    nonconformities: int = strawberry.field(description="Items answered as a non-conformity")


@strawberry.type
class TaskChecklistFields:
    """Fields of Task about its checklist (kept here to keep task_types small)."""

    @strawberry.field(description="检查项 The task's checklist, in order (internal; empty for a sampling task)")
    async def checklist(self, info: strawberry.Info) -> list[ChecklistItem]:
        if not self._internal:
            return []
        return await info.context.present.checklist(await info.context.loaders.task_checklist.load(self._model.id))

    @strawberry.field(description="检查进度 Answered items of the checklist (internal; null without a checklist)")
    async def checklist_progress(self, info: strawberry.Info) -> ChecklistProgress | None:
        if not self._internal:
            return None
        rows = await info.context.loaders.task_checklist.load(self._model.id)
        if not rows:
            return None
        return ChecklistProgress(
            total=len(rows),
            answered=sum(1 for r in rows if r.answer),
            nonconformities=sum(1 for r in rows if r.answer == checklists.ChecklistAnswer.NONCONFORMITY),
        )
