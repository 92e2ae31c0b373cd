"""The checklist is drawn from the year's clauses when a factory inspection is first issued (a
snapshot: the clause may change later), refreshed while nobody has started on it, and handed
to the sub-tasks when the task is split into a container. Called inside task commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.checklists import has_checklist
from domain.tasks import TaskKind, is_split_container
from services import audit_log
from services.checklists.refresh import SNAPSHOT
from services.reference import clauses_for
from store.models import ChecklistItem, SurveillanceTask


async def is_container(task: SurveillanceTask) -> bool:
    """A split task whose sub-tasks are inspected (a relocation inspection with its sampling
    alongside is inspected itself: services/tasks/lifecycle.py, refuse_if_split)."""
    kinds = set(await SurveillanceTask.filter(parent_id=task.id).values_list("kind", flat=True))
    return is_split_container(task.kind, kinds)


CARRIED = ("code", "title", "title_en", "text", "text_en", "focus", "added_by_id")  # a task item handed on


async def task_items(task: SurveillanceTask) -> list[ChecklistItem]:
    """The planner's current task-specific items (not drawn from a clause), in order."""
    return list(
        await ChecklistItem.filter(task_id=task.id, clause_id__isnull=True, withdrawn_at__isnull=True).order_by(
            "position"
        )
    )


async def draw_checklist(task: SurveillanceTask, carried: Sequence[ChecklistItem] = ()) -> int:
    """Copy the clauses of the task's year (general ones and those of its certificates'
    categories), in code order, once per task, then the task-specific items `carried` over
    from a split parent; returns how many items were drawn."""
    if not has_checklist(TaskKind(task.kind)) or await is_container(task):
        return 0
    if await ChecklistItem.filter(task_id=task.id).exists():  # drawn already (e.g. re-issued)
        return 0
    clauses = (await clauses_for([task]))[task.id]
    taken = {c.code.casefold() for c in clauses}
    carried = [i for i in carried if i.code.casefold() not in taken]
    rows = [
        ChecklistItem(
            task_id=task.id,
            position=n,
            clause_id=c.id,
            clause_version=c.version,
            **{f: getattr(c, f) for f in SNAPSHOT},
        )
        for n, c in enumerate(clauses, start=1)
    ]
    rows += [
        ChecklistItem(task_id=task.id, position=n, **{f: getattr(i, f) for f in CARRIED})
        for n, i in enumerate(carried, start=len(clauses) + 1)
    ]
    await ChecklistItem.bulk_create(rows)
    after = {"year": task.year, "items": len(rows), "clauses": {c.code: c.version for c in clauses}}
    if carried:
        after["taskItems"] = [i.code for i in carried]
    await audit_log.record(AuditAction.CHECKLIST_DRAW, "SurveillanceTask", task.id, after=after)
    return len(rows)


async def withdraw_container_checklist(task: SurveillanceTask, why: str) -> None:
    """A task split into a container keeps no checklist of its own: its sub-tasks have theirs."""
    if not await is_container(task):
        return
    codes = await ChecklistItem.filter(task_id=task.id, withdrawn_at__isnull=True).values_list("code", flat=True)
    if not codes:
        return
    await ChecklistItem.filter(task_id=task.id, withdrawn_at__isnull=True).update(withdrawn_at=datetime.now(UTC))
    await audit_log.record(
        AuditAction.CHECKLIST_WITHDRAW,
        "SurveillanceTask",
        task.id,
        after={"withdrawnItems": sorted(codes)},
        reason=why,
    )
