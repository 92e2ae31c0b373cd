"""0402.06 工厂检查记录表: the answered checklist of each factory inspection that has one.

Until the checklists (branch d-checklist) are merged, no task has a checklist."""

from __future__ import annotations

from domain.generated_forms import InspectionRecord
from services.forms.gather import Batch


async def inspection_records(batch: Batch) -> dict[int, InspectionRecord]:
    return {}
