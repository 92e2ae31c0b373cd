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
from services.context import Session
from services.documents import checked_file
from services.runner import unconverted
from services.tasks.common import load_for
from store.blobs import BlobStore
from store.models import Document, SurveillanceTask


def refuse_if_archived(task: SurveillanceTask) -> None:
    if TaskStatus(task.status) == TaskStatus.ARCHIVED:
        raise DomainError(
            ErrorCode.CONFLICT, "the record is archived and read-only; amend it by changing the result", ("taskId",)
        )


async def attach_form(
    session: Session, task_id: int, form: Form, data: bytes, filename: str | None, declared: str | None,
    description: str | None, store: BlobStore, max_bytes: int,
) -> SurveillanceTask:  # fmt: skip
    content_type = checked_file(data, declared, max_bytes)
    number = FORM_NUMBERS[form]
    name = clean_text(Path((filename or "").replace("\\", "/")).name or f"{form.value.lower()}.pdf", "filename",
                      max_length=200)  # fmt: skip
    text = clean_text(description, "description", max_length=2000, required=False) or (number or "")
    async with unconverted(session):
        task, _ = await load_for(session, task_id, "attach_form")  # inspectors: for their own tasks only
        refuse_if_archived(task)
        document = await Document.create(
            task_id=task.id, purpose=form.value, sha256=store.put(data), size=len(data), content_type=content_type,
            filename=name, description=text, uploaded_by_id=session.actor.user_id,
        )  # fmt: skip
        await audit_log.record(AuditAction.TASK_FORM, "SurveillanceTask", task.id,
            after={"form": form.value, "number": number, "document": document.id, "sha256": document.sha256},
        )  # fmt: skip
    return task
