"""Batch reads of results and what hangs off them. Callers pass only tasks (or
certificates) the viewer was allowed to load; risk assessments need `task.risk` too."""

from __future__ import annotations

from collections import defaultdict

from services.context import Session
from services.tasks.common import TASK_DOMAIN_COLUMNS
from store.models import Decision, Dispute, InspectionResult, NonConformity, Review, RiskAssessment, SpotCheck

RISK = "task.risk"


def _grouped(rows, key: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


async def risk_readable(session: Session, tasks: list) -> set[int]:
    """Tasks whose risk assessments the viewer may read (never agencies or enterprises)."""
    allowed = await session.perms.unit_ids("read", RISK)
    return {t.id for t in tasks if {getattr(t, c) for c in TASK_DOMAIN_COLUMNS} & allowed}


async def results_of(task_ids: list[int]) -> dict[int, list[InspectionResult]]:
    rows = await InspectionResult.filter(task_id__in=task_ids).select_related("submitted_by").order_by("number")
    return _grouped(rows, "task_id")


async def nonconformities_of(result_ids: list[int]) -> dict[int, list[NonConformity]]:
    rows = (
        await NonConformity.filter(result_id__in=result_ids)
        .select_related("verified_by", "checklist_item")  # its clause's title, never the item's note
        .order_by("id")
    )
    return _grouped(rows, "result_id")


async def reviews_of(task_ids: list[int]) -> dict[int, list[Review]]:
    rows = await Review.filter(task_id__in=task_ids).select_related("reviewer", "result").order_by("id")
    return _grouped(rows, "task_id")


async def risks_of(task_ids: list[int]) -> dict[int, list[RiskAssessment]]:
    rows = await RiskAssessment.filter(task_id__in=task_ids).select_related("assessed_by").order_by("id")
    return _grouped(rows, "task_id")


async def decisions_of(task_ids: list[int]) -> dict[int, Decision]:
    rows = await Decision.filter(task_id__in=task_ids).select_related("decider", "result")
    return {d.task_id: d for d in rows}


async def disputes_of(task_ids: list[int]) -> dict[int, list[Dispute]]:
    rows = await Dispute.filter(task_id__in=task_ids).select_related("opened_by", "settled_by").order_by("id")
    return _grouped(rows, "task_id")


async def spot_checks_of(certificate_ids: list[int]) -> dict[int, list[SpotCheck]]:
    rows = await SpotCheck.filter(certificate_id__in=certificate_ids).order_by("checked_on", "id")
    return _grouped(rows, "certificate_id")
