"""The team leader (the agency inspector for a delegated task) submits the result, and
records the verification of each correction, in writing or on site (§5.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.bundle import safe_name
from domain.checklists import ChecklistAnswer, ItemFacts, check_all_answered, check_assessed, findings_of
from domain.errors import DomainError, ErrorCode, term
from domain.results import Conclusion, Finding, Severity, VerificationMethod, check_result, correction_due
from domain.tasks import TaskStatus
from domain.validation import clean_text
from services import audit_log
from services.checklists import queries as checklist_queries
from services.clock import local_date, today
from services.documents import checked_file, keep_document
from services.notices import work_notices
from services.results.carry import carry_corrective_actions
from services.results.facts import current_result
from services.runner import Work, command
from services.tasks.common import move
from services.tasks.lifecycle import refuse_if_split
from store.models import CorrectiveAction, Factory, InspectionResult, NonConformity, SurveillanceTask

VERIFIABLE = (TaskStatus.RESULTS_SUBMITTED, TaskStatus.RETURNED)


@dataclass(frozen=True)
class FindingInput:
    clause: str
    severity: Severity
    description: str


# The team leader submits; bought samples have no team, so their planner concludes (the gate's route).
@command(gate="Task", action="submit_results")
async def submit_results(
    work: Work,
    *,
    task_id: int,
    expected_version: int,
    conclusion: Conclusion,
    summary: str | None,
    findings: list[FindingInput],
) -> SurveillanceTask:
    cleaned = [
        Finding(
            clean_text(f.clause, "clause", max_length=64, single_line=True),
            f.severity,
            clean_text(f.description, "description", max_length=5000),
        )
        for f in findings
    ]
    session, task = work.user, work.target
    drawn = await checklist_queries.facts_of(task.id)
    if not drawn:  # no checklist (a sampling task, an older task): the free-text findings alone
        check_result(conclusion, cleaned)
    text = clean_text(summary, "summary", max_length=10000, required=False) or ""
    await refuse_if_split(task)
    status = TaskStatus(task.status)
    refused = status == TaskStatus.EXCEPTION and task.suspension_ground is not None
    if status not in (TaskStatus.IN_PROGRESS, TaskStatus.RETURNED) and not refused:
        raise DomainError(ErrorCode.CONFLICT, "a {status} task takes no result", ("taskId",), status=term(status))
    if refused and conclusion != Conclusion.FAIL:
        raise DomainError(ErrorCode.INVALID, "a refused inspection is a fail", ("conclusion",))
    linked = _checklist_findings(drawn) if drawn and not refused else []  # a refused inspection answered nothing
    if drawn and not refused:
        check_assessed(conclusion, [f for _, f in drawn])
    if drawn:  # the answers' findings and any found outside the clauses, together
        check_result(conclusion, [f for _, f in linked] + cleaned)
    previous = await InspectionResult.filter(task_id=task.id, current=True).first()
    if previous is not None:
        await InspectionResult.filter(id=previous.id).update(current=False)
    now = datetime.now(UTC)
    result = await InspectionResult.create(
        task_id=task.id,
        number=(previous.number + 1) if previous else 1,
        conclusion=conclusion,
        summary=text,
        submitted_by_id=session.actor.user_id,
        submitted_at=now,
        change_reason="resubmitted after the review returned it" if previous else None,
    )
    # The deadline runs from the first submission: a return and resubmission does not restart it.
    earlier = await NonConformity.filter(result__task_id=task.id).order_by("correction_due").first()
    first = await InspectionResult.filter(task_id=task.id, number=1).first()
    due = (
        earlier.correction_due
        if earlier
        else correction_due(local_date(first.submitted_at) if first else today(), session.config.correction_months)
    )
    created = []
    for item_id, f in [*linked, *((None, f) for f in cleaned)]:
        created.append(
            await NonConformity.create(
                result_id=result.id,
                clause=f.clause,
                severity=f.severity,
                description=f.description,
                correction_due=due,
                checklist_item_id=item_id,
            )
        )
    carried = await carry_corrective_actions(previous.id, created) if previous else []
    reveal = {}
    if task.enterprise_unit_id is None:  # a market purchase: the enterprise learns of it with the result
        factory = await Factory.get(id=task.factory_id)
        reveal = {"enterprise_unit_id": factory.enterprise_unit_id}
    await move(task, TaskStatus.RESULTS_SUBMITTED, AuditAction.TASK_RESULTS, None, **reveal)
    await audit_log.record(
        AuditAction.RESULT_SUBMIT,
        "SurveillanceTask",
        task.id,
        after={
            "version": result.number,
            "conclusion": conclusion.value,
            "nonconformities": len(linked) + len(cleaned),
            **({"correctiveActionsCarried": carried} if carried else {}),
        },
    )
    await work_notices.results_submitted(task, result, created)
    return task


def _checklist_findings(drawn: list[tuple[int, ItemFacts]]) -> list[tuple[int, Finding]]:
    """Every item answered (else REQUIRED, naming them); the non-conforming ones' findings, by item."""
    facts = [f for _, f in drawn]
    check_all_answered(facts)
    ids = [i for i, f in drawn if f.answer == ChecklistAnswer.NONCONFORMITY]
    return list(zip(ids, findings_of(facts), strict=True))


@command(gate="NonConformity", action="submit_results")  # the finding's team leader
async def verify_correction(
    work: Work,
    *,
    nonconformity_id: int,
    method: VerificationMethod,
    closed: bool,
    corrective_action: str | None,
    note: str | None,
    report: tuple[bytes, str | None, str | None] | None,
) -> SurveillanceTask:
    """Verification of one non-conformity of the task's current result."""
    action = clean_text(corrective_action, "correctiveAction", max_length=5000)
    text = clean_text(note, "note", max_length=5000, required=False)
    if method == VerificationMethod.ON_SITE and report is None:
        raise DomainError(ErrorCode.REQUIRED, "an on-site verification comes with its report (0402.05)", ("report",))
    session, item = work.user, work.target
    task = await SurveillanceTask.get(id=item.result.task_id)
    if TaskStatus(task.status) not in VERIFIABLE:
        raise DomainError(ErrorCode.CONFLICT, "corrections are verified before the review agrees", ("taskId",))
    if item.result_id != (await current_result(task.id)).id:
        raise DomainError(ErrorCode.CONFLICT, "that finding belongs to an older result", ("nonconformityId",))
    if today() > item.correction_due:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the correction deadline has passed: the result stands as a fail",
            ("nonconformityId",),
        )
    document_id = await _store_report(work, task, report) if report else None
    await NonConformity.filter(id=item.id).update(
        verification_method=method,
        verified_closed=closed,
        corrective_action=action,
        verification_note=text,
        verification_document_id=document_id,
        verified_by_id=session.actor.user_id,
        verified_at=datetime.now(UTC),
    )
    # Read after the finding's row is locked by the update: an amendment racing it is either
    # committed (and seen here) or refused as verified (services/results/corrective.py).
    submitted = await CorrectiveAction.filter(nonconformity_id=item.id, current=True).first()
    await audit_log.record(
        AuditAction.RESULT_VERIFY_CORRECTION,
        "SurveillanceTask",
        task.id,
        after={
            "nonconformity": item.clause,
            "method": method.value,
            "closed": closed,
            # the enterprise's corrective action version seen when verifying (None: it sent none)
            "correctiveActionVersion": submitted.number if submitted else None,
        },
        reason=text,
    )
    return task


async def _store_report(work: Work, task, report) -> int:
    data, filename, declared = report
    content_type = checked_file(data, declared, work.user.config.max_upload_bytes, ("report",))
    doc = await keep_document(
        work,
        task_id=task.id,
        purpose="VERIFICATION_REPORT",
        data=data,
        content_type=content_type,
        filename=safe_name(filename or "0402.05.pdf"),
        description="现场验证报告 0402.05",
    )
    return doc.id
