"""Review (复核) by a reviewer of the responsible unit, the complex flag, and the risk
assessment that must precede some decisions (§4.4)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.decisions import ReviewOutcome, RiskLevel, check_independence
from domain.errors import DomainError, ErrorCode
from domain.results import Conclusion, corrections_settled
from domain.tasks import TaskStatus
from domain.validation import clean_text, require_reason
from services import audit_log
from services.clock import today
from services.notices import work_notices
from services.results.facts import corrections, current_result, team_ids
from services.runner import Work, command
from services.tasks.common import move, save
from store.models import Review, RiskAssessment, SurveillanceTask

BEFORE_DECISION = (TaskStatus.RESULTS_SUBMITTED, TaskStatus.RETURNED, TaskStatus.REVIEWED)


@command(gate="Task", action="review")
async def review(
    work: Work, *, task_id: int, expected_version: int, outcome: ReviewOutcome, comments: str | None
) -> SurveillanceTask:
    text = clean_text(comments, "comments", max_length=5000, required=outcome == ReviewOutcome.RETURN) or ""
    session, task = work.user, work.target
    check_independence(session.actor.user_id, await team_ids(task), (), deciding=False)
    if TaskStatus(task.status) != TaskStatus.RESULTS_SUBMITTED:
        raise DomainError(ErrorCode.CONFLICT, "only submitted results are reviewed", ("taskId",))
    result = await current_result(task.id)
    if outcome == ReviewOutcome.AGREE and not corrections_settled(
        Conclusion(result.conclusion), await corrections(result.id), today()
    ):
        raise DomainError(
            ErrorCode.CONFLICT, "corrections are still open: verify them or wait for their deadline", ("outcome",)
        )
    await Review.create(
        task_id=task.id,
        result_id=result.id,
        outcome=outcome,
        comments=text,
        reviewer_id=session.actor.user_id,
        reviewed_at=datetime.now(UTC),
    )
    target = TaskStatus.REVIEWED if outcome == ReviewOutcome.AGREE else TaskStatus.RETURNED
    await move(task, target, AuditAction(f"task.review_{outcome.value.lower()}"), text or None)
    if outcome == ReviewOutcome.AGREE:
        await work_notices.review_agreed(task)
    else:
        await work_notices.review_returned(task, text, await team_ids(task))
    return task


@command(gate="Task", action="flag_complex")
async def flag_complex(
    work: Work, *, task_id: int, expected_version: int, complex_: bool, reason: str
) -> SurveillanceTask:
    why = require_reason(reason)
    task = work.target
    if task.complex == complex_:
        raise DomainError(ErrorCode.NO_CHANGE, "the task is flagged so already", ("complex",))
    if TaskStatus(task.status) in (TaskStatus.DECIDED, TaskStatus.ARCHIVED, TaskStatus.CANCELLED):
        raise DomainError(ErrorCode.CONFLICT, "the task is closed", ("taskId",))
    await save(task, complex=complex_)
    await audit_log.record(
        AuditAction.TASK_FLAG_COMPLEX,
        "SurveillanceTask",
        task.id,
        before={"complex": not complex_},
        after={"complex": complex_},
        reason=why,
    )
    return task


@command(gate="Task", action="assess_risk")
async def assess_risk(
    work: Work, *, task_id: int, expected_version: int, level: RiskLevel, recommendation: str
) -> SurveillanceTask:
    text = clean_text(recommendation, "recommendation", max_length=5000)
    task = work.target
    if TaskStatus(task.status) not in BEFORE_DECISION:
        raise DomainError(ErrorCode.CONFLICT, "risk is assessed between the results and the decision", ("taskId",))
    await RiskAssessment.create(
        task_id=task.id,
        level=level,
        recommendation=text,
        assessed_by_id=work.user.actor.user_id,
        assessed_at=datetime.now(UTC),
    )
    await save(task)
    await audit_log.record(
        AuditAction.TASK_RISK_ASSESSMENT,
        "SurveillanceTask",
        task.id,
        after={"level": level.value},
        reason=text,
    )
    return task
