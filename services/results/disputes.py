"""Technical disputes on a result (§4.8): opened by the enterprise or the responsible unit,
analysed and settled by the responsible unit, or escalated to HQ, which settles it."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.decisions import check_independence
from domain.disputes import DisputeStatus, check_escalate, check_settle
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus
from domain.validation import clean_text, require_reason
from services import audit_log, versioning
from services.context import Session
from services.gates import GATES
from services.notices import work_notices
from services.results.facts import team_ids
from services.runner import Work, command
from store.models import Dispute, SurveillanceTask

WITH_RESULT = (TaskStatus.RESULTS_SUBMITTED, TaskStatus.RETURNED, TaskStatus.REVIEWED, TaskStatus.DECIDED)


@command(gate="Task", action="dispute")
async def open_dispute(work: Work, *, task_id: int, subject: str) -> Dispute:
    text = clean_text(subject, "subject", max_length=5000)
    task = work.target
    if TaskStatus(task.status) not in WITH_RESULT:
        raise DomainError(ErrorCode.CONFLICT, "a dispute is about a submitted result", ("taskId",))
    dispute = await Dispute.create(
        task_id=task.id,
        status=DisputeStatus.OPEN,
        subject=text,
        opened_by_id=work.user.actor.user_id,
        opened_at=datetime.now(UTC),
    )
    await audit_log.record(AuditAction.DISPUTE_OPEN, "Dispute", dispute.id, after={"task": task.id}, reason=text)
    return dispute


async def _independent(session: Session, dispute: Dispute) -> None:
    """Nobody settles (or escalates) a dispute about their own inspection."""
    task = await SurveillanceTask.get(id=dispute.task_id)
    check_independence(session.actor.user_id, await team_ids(task), (), deciding=False)


async def _save(dispute: Dispute, **updates) -> None:
    await versioning.save_versioned(dispute, "dispute", **updates)


@command(gate="Dispute", action="settle_dispute")  # the unit that would settle it escalates it
async def escalate(work: Work, *, dispute_id: int, expected_version: int, analysis: str) -> Dispute:
    text = require_reason(analysis, 5000)
    dispute = work.target
    await _independent(work.user, dispute)
    check_escalate(DisputeStatus(dispute.status))
    await _save(dispute, status=DisputeStatus.ESCALATED, analysis=text, escalated_at=datetime.now(UTC))
    await audit_log.record(
        AuditAction.DISPUTE_ESCALATE,
        "Dispute",
        dispute.id,
        before={"status": "OPEN"},
        after={"status": "ESCALATED"},
        reason=text,
    )
    await work_notices.dispute_escalated(dispute, text)
    return dispute


def settle_action(status: DisputeStatus) -> str:
    """HQ settles escalated disputes anywhere; open ones only where it is responsible."""
    return "settle_escalated" if status == DisputeStatus.ESCALATED else "settle_dispute"


async def _may_settle(session: Session, arguments: dict) -> None:
    """The action a settlement needs depends on the dispute's state, so the gate is asked for
    it once the dispute is open (the `authorization` query asks the same). A settled one is
    left to the handler: whoever can see the dispute can see it is settled."""
    status = await Dispute.filter(id=arguments["dispute_id"]).first().values_list("status", flat=True)
    if status is not None and DisputeStatus(status) != DisputeStatus.SETTLED:
        await GATES["Dispute"].open_for(session, arguments["dispute_id"], settle_action(DisputeStatus(status)))


# The handler checks the version itself, after the independence check: a reviewer who took
# part in the result learns they may not settle, not that their copy is stale.
@command(gate="Dispute", action="read", authorize=_may_settle, checks_version=False)
async def settle(
    work: Work, *, dispute_id: int, expected_version: int, analysis: str | None, settlement: str
) -> Dispute:
    text = require_reason(settlement, 5000)
    found = clean_text(analysis, "analysis", max_length=5000, required=False)
    session, dispute = work.user, work.target
    status = DisputeStatus(dispute.status)
    check_settle(status)  # whoever can see the dispute can see it is settled
    await _independent(session, dispute)
    versioning.check_version(dispute, expected_version, "dispute")
    await _save(
        dispute,
        status=DisputeStatus.SETTLED,
        settlement=text,
        analysis=found or dispute.analysis,
        settled_by_id=session.actor.user_id,
        settled_at=datetime.now(UTC),
    )
    await audit_log.record(
        AuditAction.DISPUTE_SETTLE,
        "Dispute",
        dispute.id,
        before={"status": status.value},
        after={"status": "SETTLED"},
        reason=text,
    )
    await work_notices.dispute_settled(dispute)
    return dispute
