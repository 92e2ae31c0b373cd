"""The certification decision (§4.4, §4.6, §5.6-5.7) by a decision maker of the responsible
unit, and the change of a decided result. The decision moves the task's certificates
through the status machine, each move with its reason and history."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.certificate import check_move
from domain.decisions import (
    TARGET_STATUS,
    DecisionFacts,
    DecisionOutcome,
    SuspensionGround,
    applies_to,
    check_decision,
    check_independence,
    suspension_end,
)
from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode
from domain.results import Conclusion, Finding, Severity, check_result
from domain.tasks import TaskKind, TaskStatus
from domain.validation import clean_text, require_reason
from services import audit_log
from services.certificate_expiry import expire_certificate
from services.clock import today
from services.notices import work_notices
from services.results import facts
from services.runner import Work, command
from services.tasks.common import move, save
from store.models import (
    Certificate,
    CertificateStatusChange,
    Decision,
    InspectionResult,
    NonConformity,
    RiskAssessment,
    SurveillanceTask,
    TaskCertificate,
)


@command(gate="Task", action="decide")
async def decide(
    work: Work,
    *,
    task_id: int,
    expected_version: int,
    outcome: DecisionOutcome,
    ground: SuspensionGround | None,
    reason: str,
) -> SurveillanceTask:
    why = require_reason(reason)
    session, task = work.user, work.target
    if TaskStatus(task.status) != TaskStatus.REVIEWED:
        raise DomainError(ErrorCode.CONFLICT, "a decision follows the review's agreement", ("taskId",))
    result = await facts.current_result(task.id)
    check_independence(session.actor.user_id, await facts.team_ids(task), await facts.reviewer_ids(task), deciding=True)
    certificates = await Certificate.filter(
        id__in=await TaskCertificate.filter(task_id=task.id).values_list("certificate_id", flat=True)
    ).order_by("id")
    for certificate in certificates:  # one past its date is decided on as expired, its history first
        await expire_certificate(certificate, today())
    marking, sampling_failed = await facts.lab_findings(task)
    decision_facts = DecisionFacts(
        kind=TaskKind(task.kind),
        conclusion=await facts.effective(result),
        flagged_complex=task.complex,
        marking_nonconformity=marking,
        sampling_failed=sampling_failed,
        risk_assessed=await RiskAssessment.filter(task_id=task.id).exists(),
        certificate_statuses=tuple(CertificateStatus(c.status) for c in certificates),
        samples_pending=await facts.samples_pending(task),
    )
    check_decision(decision_facts, outcome, ground)
    # The version guard in `move` lets exactly one of several concurrent deciders through.
    await move(task, TaskStatus.DECIDED, AuditAction.TASK_DECIDE, why)
    await Decision.create(
        task_id=task.id,
        result_id=result.id,
        outcome=outcome,
        ground=ground,
        reason=why,
        decider_id=session.actor.user_id,
        decided_at=datetime.now(UTC),
    )
    for certificate in certificates:
        await _apply(session, certificate, outcome, ground, why, task)
    left = [c.number for c in certificates if not applies_to(CertificateStatus(c.status), outcome)]
    await audit_log.record(
        AuditAction.DECISION,
        "SurveillanceTask",
        task.id,
        after={
            "outcome": outcome.value,
            "ground": ground.value if ground else None,
            "result": result.number,
            "certificates": [c.number for c in certificates],
            **({"expiredLeftAsIs": left} if left else {}),
        },
        reason=why,
    )
    return task


async def _apply(session, certificate: Certificate, outcome, ground, why: str, task: SurveillanceTask) -> None:
    target = TARGET_STATUS[outcome]
    current = CertificateStatus(certificate.status)
    if target is None or not applies_to(current, outcome):
        return
    if current == target == CertificateStatus.SUSPENDED:  # suspended again: a new period and ground
        await _suspend_again(session, certificate, ground, why, task)
        return
    try:
        check_move(current, target)
    except DomainError as exc:
        raise DomainError(
            exc.code, "certificate {number}: {reason}", ("outcome",), number=certificate.number, reason=exc
        ) from exc
    await move_certificate(session, certificate, target, why, ground, task=task)


async def _suspend_again(session, certificate: Certificate, ground, why: str, task: SurveillanceTask) -> None:
    until = suspension_end(today(), ground or SuspensionGround.OTHER, session.config.suspension_months)
    until = max(until, certificate.suspended_until or until)
    matched = await Certificate.filter(id=certificate.id, version=certificate.version).update(
        suspended_until=until,
        suspension_ground=(ground or SuspensionGround.OTHER).value,
        version=certificate.version + 1,
    )
    if not matched:
        raise DomainError(
            ErrorCode.STALE_VERSION, "certificate {number} changed meanwhile", (), number=certificate.number
        )
    await audit_log.record(
        AuditAction.CERTIFICATE_SUSPENDED_AGAIN,
        "Certificate",
        certificate.id,
        before={"suspendedUntil": certificate.suspended_until.isoformat() if certificate.suspended_until else None},
        after={"suspendedUntil": until.isoformat(), "ground": (ground or SuspensionGround.OTHER).value},
        reason=why,
    )
    await work_notices.certificate_moved(
        certificate, CertificateStatus.SUSPENDED, ground or SuspensionGround.OTHER, why, task
    )


async def move_certificate(
    session,
    certificate: Certificate,
    target: CertificateStatus,
    why: str,
    ground=None,
    *,
    action: AuditAction = AuditAction.CERTIFICATE_STATUS,
    task: SurveillanceTask | None = None,
):
    """One audited move of the certificate status machine, kept in its history (a decision's
    move, or an administrator's cancellation: `action` names which)."""
    before = CertificateStatus(certificate.status)
    updates: dict = {"status": target, "version": certificate.version + 1}
    if target == CertificateStatus.SUSPENDED:
        updates["suspended_until"] = suspension_end(
            today(), ground or SuspensionGround.OTHER, session.config.suspension_months
        )
        updates["suspension_ground"] = (ground or SuspensionGround.OTHER).value
    else:
        updates["suspended_until"] = None
        updates["suspension_ground"] = None
    matched = await Certificate.filter(id=certificate.id, version=certificate.version).update(**updates)
    if not matched:
        raise DomainError(
            ErrorCode.STALE_VERSION, "certificate {number} changed meanwhile", (), number=certificate.number
        )
    await CertificateStatusChange.create(
        certificate_id=certificate.id,
        from_status=before,
        to_status=target,
        reason=why,
        actor=session.actor.login,
        at=datetime.now(UTC),
    )
    await audit_log.record(
        action,
        "Certificate",
        certificate.id,
        before={"status": before.value},
        after={"status": target.value, "ground": updates["suspension_ground"]},
        reason=why,
    )
    # The holder is told with the ground: through the task decided on, else through the factory.
    await work_notices.certificate_moved(certificate, target, updates["suspension_ground"], why, task)


@command(gate="Task", action="change_result")
async def change_result(
    work: Work, *, task_id: int, expected_version: int, conclusion: Conclusion, summary: str | None, reason: str
) -> SurveillanceTask:
    """A decided result changes only by the unit entitled to decide it; the change is a new
    version, the old one stays readable."""
    why = require_reason(reason)
    session, task = work.user, work.target
    archived = TaskStatus(task.status) == TaskStatus.ARCHIVED
    if TaskStatus(task.status) != TaskStatus.DECIDED and not archived:
        raise DomainError(ErrorCode.CONFLICT, "only a decided result is changed this way", ("taskId",))
    # Changing a result is deciding it again: the same independence applies.
    check_independence(session.actor.user_id, await facts.team_ids(task), await facts.reviewer_ids(task), deciding=True)
    old = await facts.current_result(task.id)
    findings = [
        Finding(nc.clause, Severity(nc.severity), nc.description) for nc in await NonConformity.filter(result_id=old.id)
    ]
    check_result(conclusion, findings)  # the findings stay; the conclusion must fit them
    text = clean_text(summary, "summary", max_length=10000, required=False) if summary is not None else old.summary
    text = text or ""
    if conclusion == old.conclusion and text == old.summary:
        raise DomainError(ErrorCode.NO_CHANGE, "that is the result already", ("conclusion",))
    await InspectionResult.filter(id=old.id).update(current=False)
    new = await InspectionResult.create(
        task_id=task.id,
        number=old.number + 1,
        conclusion=conclusion,
        summary=text,
        submitted_by_id=session.actor.user_id,
        submitted_at=datetime.now(UTC),
        change_reason=why,
        after_archive=archived,
    )
    for nc in await NonConformity.filter(result_id=old.id).order_by("id"):  # findings stay with the result
        await NonConformity.create(**{**_copyable(nc), "result_id": new.id})
    await save(task)
    await audit_log.record(
        AuditAction.RESULT_CHANGE,
        "SurveillanceTask",
        task.id,
        before={"version": old.number, "conclusion": old.conclusion},
        after={"version": new.number, "conclusion": conclusion.value, "afterArchive": archived},
        reason=why,
    )
    return task


def _copyable(nc: NonConformity) -> dict:
    skip = {"id", "result_id"}
    return {k: getattr(nc, k) for k in nc._meta.db_fields if k not in skip}
