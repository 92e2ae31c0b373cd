"""0402.06 工厂检查记录表: the answered checklist of each factory inspection that has one — every
item (withdrawn ones, handed to a split's parts, left out) with its answer, finding or reason,
the team's internal note and how many evidence files back it."""

from __future__ import annotations

from collections import defaultdict

from tortoise.functions import Count

from domain.archive import Form
from domain.generated_forms import InspectionRecord, RecordItem
from domain.tasks import TaskKind
from services.forms.gather import Batch
from store.models import ChecklistEvidence, ChecklistItem


async def inspection_records(batch: Batch) -> dict[int, InspectionRecord]:
    ids = [t.id for t in batch.tasks if TaskKind(t.kind) != TaskKind.SAMPLING]
    if not ids:
        return {}
    items: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in await ChecklistItem.filter(task_id__in=ids, withdrawn_at__isnull=True).order_by("position", "id"):
        items[item.task_id].append(item)
    if not items:
        return {}
    evidence = dict(
        await ChecklistEvidence.filter(item__task_id__in=list(items), item__withdrawn_at__isnull=True)
        .group_by("item_id")
        .annotate(n=Count("id"))
        .values_list("item_id", "n")
    )
    headers, teams = await batch.headers(Form.INSPECTION_RECORD), await batch.teams()
    found = {}
    for task_id, rows in items.items():
        leader, members = teams.get(task_id, (None, ()))
        found[task_id] = InspectionRecord(
            header=headers[task_id],
            leader=leader,
            members=members,
            items=tuple(
                RecordItem(
                    code=i.code,
                    title_zh=i.title,
                    title_en=i.title_en or "",
                    focus=i.focus,
                    answer=i.answer.value if i.answer else None,
                    severity=i.severity.value if i.severity else None,
                    description=i.description or "",
                    reason=i.reason or "",
                    note=i.note or "",
                    evidence=evidence.get(i.id, 0),
                )
                for i in rows
            ),
        )
    return found
