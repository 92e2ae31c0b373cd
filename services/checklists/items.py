"""The task's planner adds task-specific items before the team starts (procedure §4.2: the
requirements handed to the team)."""

from __future__ import annotations

from domain.audit_events import AuditAction
from domain.checklists import BEFORE_START, check_new_item_code, clean_item_code, has_checklist
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskKind, TaskStatus
from domain.validation import clean_text
from services import audit_log
from services.checklists.drawing import is_container
from services.runner import Work, command
from services.tasks.common import save
from store.models import ChecklistItem

MAX_ITEMS = 300


# Planners of the task's units (the policy's task/checklist), as they edit the task before the start.
@command(gate="Task", action="checklist")
async def add_checklist_item(
    work: Work,
    *,
    task_id: int,
    expected_version: int,
    code: str,
    title: str,
    title_en: str | None,
    text: str,
    text_en: str | None,
) -> ChecklistItem:
    task = work.target
    values = {
        "code": clean_item_code(code),
        "title": clean_text(title, "title", max_length=200, single_line=True),
        "title_en": clean_text(title_en, "titleEn", max_length=200, required=False, single_line=True),
        "text": clean_text(text, "text", max_length=10000),
        "text_en": clean_text(text_en, "textEn", max_length=10000, required=False),
    }
    if not has_checklist(TaskKind(task.kind)) or await is_container(task):
        raise DomainError(ErrorCode.CONFLICT, "this task has no checklist of its own", ("taskId",))
    if TaskStatus(task.status) not in BEFORE_START:
        raise DomainError(ErrorCode.CONFLICT, "items are added after the issue and before the start", ("taskId",))
    existing = await ChecklistItem.filter(task_id=task.id).values_list("code", "position")
    check_new_item_code(values["code"], [c for c, _ in existing])
    if len(existing) >= MAX_ITEMS:
        raise DomainError(
            ErrorCode.INVALID, "a checklist has at most {max_items} items", ("code",), max_items=MAX_ITEMS
        )
    item = await ChecklistItem.create(
        task_id=task.id,
        position=max((p for _, p in existing), default=0) + 1,
        added_by_id=work.actor.user_id,
        **values,
    )
    await save(task)  # the task's checklist changed: its version moves on
    await audit_log.record(
        AuditAction.CHECKLIST_ADD,
        "SurveillanceTask",
        task.id,
        after={"item": item.code, "title": item.title, "position": item.position},
    )
    return item
