"""Facts about a task the result rules need, read from the store."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode
from domain.results import Conclusion, CorrectionState, effective_conclusion
from services.clock import local_date, today
from store.models import (
    InspectionResult,
    LabReport,
    NonConformity,
    PurchaseAssignment,
    Review,
    Sample,
    SurveillanceTask,
    TeamAssignment,
)


async def current_result(task_id: int) -> InspectionResult:
    found = await InspectionResult.filter(task_id=task_id, current=True).first()
    if found is None:
        raise DomainError(ErrorCode.CONFLICT, "the task has no submitted result", ("taskId",))
    return found


async def corrections(result_id: int) -> list[CorrectionState]:
    rows = await NonConformity.filter(result_id=result_id).values_list(
        "correction_due", "verified_closed", "verified_at"
    )
    return [CorrectionState.of(due, closed, local_date(at) if at else None) for due, closed, at in rows]


async def effective(result: InspectionResult) -> Conclusion:
    return effective_conclusion(Conclusion(result.conclusion), await corrections(result.id), today())


async def team_ids(task: SurveillanceTask) -> set[int]:
    """Everyone who ever worked on the task or a part of it: team members (also removed
    ones) and buyers."""
    tasks = await family(task)
    members = await TeamAssignment.filter(task_id__in=tasks).values_list("user_id", flat=True)
    buyers = await PurchaseAssignment.filter(task_id__in=tasks).values_list("buyer_id", flat=True)
    return set(members) | set(buyers)


async def reviewer_ids(task: SurveillanceTask) -> set[int]:
    """Everyone who reviewed any version of the task's result, agreeing or returning it."""
    return set(await Review.filter(task_id=task.id).values_list("reviewer_id", flat=True))


async def samples_pending(task: SurveillanceTask) -> bool:
    return await Sample.filter(task_id__in=await family(task)).exclude(status="REPORTED").exists()


async def family(task: SurveillanceTask) -> list[int]:
    """The task, its parent, and the parts of either: one inspection split into parts is
    decided as a whole, so a sampling part's lab report counts for the inspection part."""
    root = task.parent_id or task.id
    children = await SurveillanceTask.filter(parent_id__in={root, task.id}).values_list("id", flat=True)
    return sorted({task.id, root, *children})


async def lab_findings(task: SurveillanceTask) -> tuple[bool, bool]:
    """(a marking non-conformity was found, a sample failed) in the task's family."""
    rows = await LabReport.filter(sample__task_id__in=await family(task)).values_list("passed", "marking_nonconformity")
    return any(marking for _, marking in rows), any(not passed for passed, _ in rows)
