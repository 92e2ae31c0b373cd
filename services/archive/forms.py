"""Documents by form (工厂检查报告 0402.03 ...), uploaded like other documents (SHA-256,
size and type limits) by the team, the planner or the archivist; none once archived."""

from __future__ import annotations

from pathlib import Path

from domain.archive import FORM_NUMBERS, Form
from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus
from domain.validation import clean_text
from services import audit_log
from services.documents import checked_file, keep_document
from services.runner import Work, command
from store.models import SurveillanceTask


def refuse_if_archived(task: SurveillanceTask) -> None:
    if TaskStatus(task.status) == TaskStatus.ARCHIVED:
        raise DomainError(
            ErrorCode.CONFLICT, "the record is archived and read-only; amend it by changing the result", ("taskId",)
        )


# Planners and archivists file a task's forms; inspectors only for their own tasks (the gate).
@command(gate="Task", action="attach_form")
async def attach_form(
    work: Work,
    *,
    task_id: int,
    form: Form,
    data: bytes,
    filename: str | None,
    declared: str | None,
    description: str | None,
) -> SurveillanceTask:
    config = work.user.config
    content_type = checked_file(data, declared, config.max_upload_bytes)
    number = FORM_NUMBERS[form]
    name = clean_text(
        Path((filename or "").replace("\\", "/")).name or f"{form.value.lower()}.pdf",
        "filename",
        max_length=200,
        single_line=True,
    )
    text = clean_text(description, "description", max_length=2000, required=False) or (number or "")
    task = work.target
    refuse_if_archived(task)
    document = await keep_document(
        work, task_id=task.id, purpose=form.value, data=data, content_type=content_type, filename=name, description=text
    )
    await audit_log.record(
        AuditAction.TASK_FORM,
        "SurveillanceTask",
        task.id,
        after={"form": form.value, "number": number, "document": document.id, "sha256": document.sha256},
    )
    return task
