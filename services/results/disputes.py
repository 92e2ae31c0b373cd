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
from services.results.facts import team_ids
from services.runner import unconverted
from services.tasks.common import KIND, load_for
from store.models import Dispute, SurveillanceTask

WITH_RESULT = (TaskStatus.RESULTS_SUBMITTED, TaskStatus.RETURNED, TaskStatus.REVIEWED, TaskStatus.DECIDED)


async def open_dispute(session: Session, task_id: int, subject: str) -> Dispute:
    text = clean_text(subject, "subject", max_length=5000)
    async with unconverted(session):
        task, _ = await load_for(session, task_id, "dispute")
        if TaskStatus(task.status) not in WITH_RESULT:
            raise DomainError(ErrorCode.CONFLICT, "a dispute is about a submitted result", ("taskId",))
        dispute = await Dispute.create(
            task_id=task.id, status=DisputeStatus.OPEN, subject=text, opened_by_id=session.actor.user_id,
            opened_at=datetime.now(UTC),
        )  # fmt: skip
        await audit_log.record(AuditAction.DISPUTE_OPEN, "Dispute", dispute.id, after={"task": task.id}, reason=text)
    return dispute


async def _load(session: Session, dispute_id: int) -> tuple[Dispute, list[str]]:
    """A dispute on a task the caller may read; any other looks missing."""
    return await GATES["Dispute"].open_for(session, dispute_id, "read")


async def _independent(session: Session, dispute: Dispute) -> None:
    """Nobody settles (or escalates) a dispute about their own inspection."""
    task = await SurveillanceTask.get(id=dispute.task_id)
    check_independence(session.actor.user_id, await team_ids(task), (), deciding=False)


def _check_version(dispute: Dispute, expected_version: int) -> None:
    versioning.check_version(dispute, expected_version, "dispute")


async def _save(dispute: Dispute, **updates) -> None:
    await versioning.save_versioned(dispute, "dispute", **updates)


async def escalate(session: Session, dispute_id: int, expected_version: int, analysis: str) -> Dispute:
    text = require_reason(analysis, 5000)
    async with unconverted(session):
        dispute, codes = await _load(session, dispute_id)
        session.perms.require("settle_dispute", KIND, codes)
        await _independent(session, dispute)
        _check_version(dispute, expected_version)
        check_escalate(DisputeStatus(dispute.status))
        await _save(dispute, status=DisputeStatus.ESCALATED, analysis=text, escalated_at=datetime.now(UTC))
        await audit_log.record(AuditAction.DISPUTE_ESCALATE, "Dispute", dispute.id,
            before={"status": "OPEN"}, after={"status": "ESCALATED"}, reason=text,
        )  # fmt: skip
    return dispute


async def settle(
    session: Session, dispute_id: int, expected_version: int, analysis: str | None, settlement: str
) -> Dispute:
    text = require_reason(settlement, 5000)
    found = clean_text(analysis, "analysis", max_length=5000, required=False)
    async with unconverted(session):
        dispute, codes = await _load(session, dispute_id)
        status = DisputeStatus(dispute.status)
        check_settle(status)  # whoever can see the dispute can see it is settled
        # HQ settles escalated disputes anywhere; open ones only where it is responsible.
        session.perms.require(
            "settle_escalated" if status == DisputeStatus.ESCALATED else "settle_dispute", KIND, codes
        )
        await _independent(session, dispute)
        _check_version(dispute, expected_version)
        await _save(
            dispute, status=DisputeStatus.SETTLED, settlement=text, analysis=found or dispute.analysis,
            settled_by_id=session.actor.user_id, settled_at=datetime.now(UTC),
        )  # fmt: skip
        await audit_log.record(AuditAction.DISPUTE_SETTLE, "Dispute", dispute.id,
            before={"status": status.value}, after={"status": "SETTLED"}, reason=text,
        )  # fmt: skip
    return dispute
