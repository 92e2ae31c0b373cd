"""A clause HQ creates or changes reaches the checklists of the year's tasks nobody has started
(services/reference.py, upsert_clause): a new clause that applies is added, one that no longer
applies (moved to a category the task does not hold) is withdrawn, one that still applies takes
the new text. Started tasks keep the version they were drawn from."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.checklists import BEFORE_START, has_checklist
from domain.tasks import TaskKind, TaskStatus, is_split_container
from services import audit_log
from store.models import ChecklistItem, SurveillanceClause, SurveillanceTask, TaskCertificate

SNAPSHOT = ("code", "title", "title_en", "text", "text_en", "focus")  # what an item copies of its clause


def _unstarted(task: SurveillanceTask) -> bool:
    status = TaskStatus(task.status)
    return status in BEFORE_START or (status == TaskStatus.EXCEPTION and task.started_at is None)


async def _tasks_with_checklist(year: int) -> list[SurveillanceTask]:
    """The year's unstarted factory inspections whose checklist is drawn (not split containers)."""
    statuses = [s.value for s in (*BEFORE_START, TaskStatus.EXCEPTION)]
    tasks = [
        t
        for t in await SurveillanceTask.filter(year=year, status__in=statuses)
        if _unstarted(t) and has_checklist(TaskKind(t.kind))
    ]
    ids = [t.id for t in tasks]
    drawn = set(await ChecklistItem.filter(task_id__in=ids).distinct().values_list("task_id", flat=True))
    children: dict[int, set[str]] = defaultdict(set)
    for parent_id, kind in await SurveillanceTask.filter(parent_id__in=ids).values_list("parent_id", "kind"):
        children[parent_id].add(kind)
    return [t for t in tasks if t.id in drawn and not is_split_container(t.kind, children.get(t.id, set()))]


async def refresh_from_clause(clause: SurveillanceClause, why: str) -> list[int]:
    """Bring the clause to every unstarted task's checklist of its year; returns the task ids
    changed (each audited)."""
    tasks = await _tasks_with_checklist(clause.year)
    if not tasks:
        return []
    ids = [t.id for t in tasks]
    categories: dict[int, set[int]] = defaultdict(set)
    for task_id, category_id in await TaskCertificate.filter(task_id__in=ids).values_list(
        "task_id", "certificate__product_category_id"
    ):
        categories[task_id].add(category_id)
    items: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in await ChecklistItem.filter(task_id__in=ids).order_by("position"):
        items[item.task_id].append(item)
    changed = []
    for task in tasks:
        applies = clause.product_category_id is None or clause.product_category_id in categories[task.id]
        what = await _apply(clause, task.id, items[task.id], applies)
        if what:
            changed.append(task.id)
            await audit_log.record(
                AuditAction.CHECKLIST_REFRESH,
                "SurveillanceTask",
                task.id,
                after={"clause": clause.code, "version": clause.version, **what},
                reason=why,
            )
    return changed


async def _apply(clause: SurveillanceClause, task_id: int, items: list[ChecklistItem], applies: bool) -> dict:
    """What the clause changes on one task's checklist: {"added"|"refreshed"|"withdrawn"|"restored": code}."""
    snapshot = {f: getattr(clause, f) for f in SNAPSHOT}
    mine = next((i for i in items if i.clause_id == clause.id), None)
    if mine is None:
        clash = clause.code.casefold() in {i.code.casefold() for i in items}
        if not applies or clash:  # a task item with that code stays; the planner decides
            return {"skipped": clause.code} if applies else {}
        position = max((i.position for i in items), default=0) + 1
        await ChecklistItem.create(
            task_id=task_id, position=position, clause_id=clause.id, clause_version=clause.version, **snapshot
        )
        return {"added": clause.code}
    if mine.answer is not None:  # answered on an unstarted task (none should be): left as it is
        return {}
    fresh = {"clause_version": clause.version, "version": mine.version + 1, **snapshot}
    if not applies:
        if mine.withdrawn_at is not None:
            return {}
        await ChecklistItem.filter(id=mine.id).update(withdrawn_at=datetime.now(UTC), version=mine.version + 1)
        return {"withdrawn": mine.code}
    if mine.withdrawn_at is not None:
        await ChecklistItem.filter(id=mine.id).update(withdrawn_at=None, **fresh)
        return {"restored": mine.code}
    if mine.clause_version == clause.version:
        return {}
    await ChecklistItem.filter(id=mine.id, version=mine.version).update(**fresh)
    return {"refreshed": mine.code}
