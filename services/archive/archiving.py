"""Archiving (§4.10): only the entitled unit (its archivist; HQ for North China and
overseas), only a decided task whose file is complete. Archived records are read-only."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.archive import check_archivable, check_signoffs_current
from domain.audit_events import AuditAction
from domain.bundle import ARCHIVE_ACTION
from domain.tasks import TaskStatus
from services import audit_log
from services.archive.completeness import completeness_of
from services.forms.generated import stale_signoffs
from services.runner import Work, command
from services.tasks.common import move
from store.models import Decision, Document, SurveillanceTask


@command(gate="Task", action="archive")
async def archive_task(work: Work, *, task_id: int, expected_version: int) -> SurveillanceTask:
    task = work.target
    completeness = (await completeness_of([task]))[task.id]
    check_archivable(TaskStatus(task.status) == TaskStatus.DECIDED, completeness.missing)
    check_signoffs_current(await stale_signoffs(task))
    await move(task, TaskStatus.ARCHIVED, AuditAction.TASK_ARCHIVE, None, archived_at=datetime.now(UTC))
    # What was archived, in the audit chain: a bundle exported later is checked against it.
    files = dict(await Document.filter(task_id=task.id).values_list("id", "sha256"))
    decision = await Decision.get(task_id=task.id)
    await audit_log.record(
        ARCHIVE_ACTION,
        "SurveillanceTask",
        task.id,
        after={
            "number": task.number,
            "files": {str(k): v for k, v in sorted(files.items())},
            "decision": str(decision.outcome),
        },
    )
    return task
