"""A clause changed by HQ refreshes the unanswered items drawn from it on tasks nobody has
started (services/reference.py, upsert_clause); started tasks keep the version they were drawn
from."""

from __future__ import annotations

from domain.audit_events import AuditAction
from domain.checklists import BEFORE_START
from domain.tasks import TaskStatus
from services import audit_log
from store.models import ChecklistItem, SurveillanceClause

SNAPSHOT = ("code", "title", "title_en", "text", "text_en", "focus")  # what an item copies of its clause


async def refresh_from_clause(clause: SurveillanceClause, why: str) -> list[int]:
    """Unanswered items drawn from the clause, on tasks nobody has started, take its new text
    and version; started tasks keep the version they were drawn from. Returns the task ids."""
    unstarted = [s.value for s in BEFORE_START]
    items = await ChecklistItem.filter(
        clause_id=clause.id, answer__isnull=True, withdrawn_at__isnull=True
    ).select_related("task")
    refreshed = [
        i
        for i in items
        if i.clause_version != clause.version
        and (i.task.status in unstarted or (i.task.status == TaskStatus.EXCEPTION.value and i.task.started_at is None))
    ]
    for item in refreshed:
        await ChecklistItem.filter(id=item.id, version=item.version).update(
            clause_version=clause.version, version=item.version + 1, **{f: getattr(clause, f) for f in SNAPSHOT}
        )
    task_ids = sorted({i.task_id for i in refreshed})
    if refreshed:
        await audit_log.record(
            AuditAction.CHECKLIST_REFRESH,
            "SurveillanceClause",
            clause.id,
            after={"code": clause.code, "version": clause.version, "tasks": task_ids, "items": len(refreshed)},
            reason=why,
        )
    return task_ids
