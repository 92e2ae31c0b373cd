"""Reading checklists in batches (the GraphQL DataLoaders): callers pass only tasks already
loaded through the viewer's scope and shown with their internal fields."""

from __future__ import annotations

from collections import defaultdict

from domain.checklists import ChecklistAnswer, ItemFacts
from domain.results import Severity
from store.models import ChecklistEvidence, ChecklistItem


async def items_of(task_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    """Each task's current items (not the withdrawn ones of a split container), in order."""
    grouped: dict[int, list[ChecklistItem]] = defaultdict(list)
    rows = (
        await ChecklistItem.filter(task_id__in=task_ids, withdrawn_at__isnull=True)
        .select_related("answered_by")
        .order_by("task_id", "position")
    )
    for item in rows:
        grouped[item.task_id].append(item)
    return grouped


async def evidence_of(item_ids: list[int]) -> dict[int, list[ChecklistEvidence]]:
    grouped: dict[int, list[ChecklistEvidence]] = defaultdict(list)
    rows = await ChecklistEvidence.filter(item_id__in=item_ids).select_related("document__uploaded_by").order_by("id")
    for evidence in rows:
        grouped[evidence.item_id].append(evidence)
    return grouped


async def facts_of(task_id: int) -> list[tuple[int, ItemFacts]]:
    """(item id, what the rules need) of one task's current items, in order."""
    rows = await ChecklistItem.filter(task_id=task_id, withdrawn_at__isnull=True).order_by("position")
    return [
        (
            r.id,
            ItemFacts(
                r.code,
                ChecklistAnswer(r.answer) if r.answer else None,
                Severity(r.severity) if r.severity else None,
                r.description,
            ),
        )
        for r in rows
    ]


async def items_by_ids(item_ids: list[int]) -> list[ChecklistItem]:
    """Current items by id (node look-ups); the caller filters them by the tasks it may read."""
    return list(await ChecklistItem.filter(id__in=item_ids, withdrawn_at__isnull=True).select_related("answered_by"))
