"""Notices of the work after the start (DOMAIN.md §8): samples, lab reports, results and their
non-conformities, review, decisions on certificates, disputes, lab requests, purchases and
common problems. Called from the commands, in their transaction, after the change.

Enterprise-facing notices go through the task (`to_enterprise`: its enterprise once it may
know) or, for a certificate decided without a task, through the certificate's factory."""

from __future__ import annotations

from collections.abc import Iterable

from domain.notice_params import both
from domain.notices import NoticeKind as K
from services.notices.notify import codes, iso, notify, task_params, task_units
from store.models import Certificate, Factory, LabRequest, NonConformity, SurveillanceTask

TASK = "Task"  # subjects are named as GraphQL types, so node(id) opens them


async def sample_taken(task: SurveillanceTask, sample) -> None:
    """抽样通知书 (0402.08): the samples taken, to the enterprise (not for a purchase made like
    a customer's, whose task the enterprise does not know yet). Its subject is the task, which
    the enterprise reads (it does not read samples); the sample is named in the params."""
    params = {
        **await task_params(task),
        "sample_identifier": sample.identifier,
        "seal_number": sample.seal_number,
        "quantity": sample.quantity,
        "place": sample.place,
    }
    await notify(K.SAMPLING_NOTICE, params, subject_type=TASK, subject_id=task.id, task=task, to_enterprise=True)


async def lab_report_in(task: SurveillanceTask, sample, passed: bool) -> None:
    params = {
        **await task_params(task),
        "sample_identifier": sample.identifier,
        **both("yes_no_passed", "passed", passed),
    }
    await notify(
        K.LAB_REPORT_IN, params, subject_type="Sample", subject_id=sample.id, task=task, units=await task_units(task)
    )


async def results_submitted(task: SurveillanceTask, result, findings: list[NonConformity]) -> None:
    """The reviewers are due to review; the enterprise gets its non-conformities with their
    correction deadline (the task reached it with the result, at the latest)."""
    base = await task_params(task)
    review = {**base, **both("conclusion", "conclusion", result.conclusion), "result_version": result.number}
    units = await codes(task.responsible_unit_id)
    await notify(K.REVIEW_DUE, review, subject_type=TASK, subject_id=task.id, task=task, units=units)
    if findings:
        listed = "\n".join(f"- {f.clause}: {f.description}" for f in findings)
        params = {**base, "count": len(findings), "correction_due": iso(findings[0].correction_due), "findings": listed}
        await notify(K.NONCONFORMITIES, params, subject_type=TASK, subject_id=task.id, task=task, to_enterprise=True)


async def review_returned(task: SurveillanceTask, comments: str, team: Iterable[int]) -> None:
    """The team learns its results came back, with the reviewer's comments."""
    params = {**await task_params(task), "comments": comments}
    await notify(K.RESULTS_RETURNED, params, subject_type=TASK, subject_id=task.id, task=task, people=team)


async def lab_request_filed(task: SurveillanceTask, text: str) -> None:
    """The responsible unit's planners answer the enterprise's request for a lab (§4.1)."""
    params = {**await task_params(task), "request": text}
    units = await codes(task.responsible_unit_id)
    await notify(K.LAB_REQUEST_FILED, params, subject_type=TASK, subject_id=task.id, task=task, units=units)


async def correction_submitted(task: SurveillanceTask, clause: str, version: int, team: Iterable[int]) -> None:
    """The team that found the non-conformity verifies the enterprise's corrective action."""
    params = {**await task_params(task), "clause": clause, "version": version}
    await notify(K.CORRECTION_SUBMITTED, params, subject_type=TASK, subject_id=task.id, task=task, people=team)


async def review_agreed(task: SurveillanceTask) -> None:
    units = await codes(task.responsible_unit_id)
    await notify(K.DECISION_DUE, await task_params(task), subject_type=TASK, subject_id=task.id, task=task, units=units)


async def certificate_moved(
    certificate: Certificate, status: object, ground: object, reason: str, task: SurveillanceTask | None
) -> None:
    """A suspension (again), restoration, revocation or cancellation, with its ground, to the
    holder: through the task decided on, else through the certificate's factory."""
    params = {
        "certificate_number": certificate.number,
        "holder": certificate.holder,
        **both("certificate_status", "status", status),
        **both("ground", "ground", ground),
        "reason": reason,
    }
    audience: dict = {"task": task} if task is not None else {"enterprise_unit_id": await _holder_unit(certificate)}
    units = await codes(task.responsible_unit_id) if task is not None else []
    await notify(
        K.CERTIFICATE_DECISION,
        params,
        subject_type="Certificate",
        subject_id=certificate.id,
        units=units,
        to_enterprise=True,
        **audience,
    )


async def _holder_unit(certificate: Certificate) -> int | None:
    return await Factory.filter(id=certificate.factory_id).first().values_list("enterprise_unit_id", flat=True)


async def dispute_settled(dispute) -> None:
    task = await SurveillanceTask.get(id=dispute.task_id)
    params = {**await task_params(task), "settlement": dispute.settlement}
    units = await codes(task.responsible_unit_id)
    await notify(
        K.DISPUTE_OUTCOME,
        params,
        subject_type="Dispute",
        subject_id=dispute.id,
        task=task,
        units=units,
        to_enterprise=True,
    )


async def dispute_escalated(dispute, analysis: str) -> None:
    task = await SurveillanceTask.get(id=dispute.task_id)
    params = {**await task_params(task), "analysis": analysis}
    await notify(K.DISPUTE_ESCALATED, params, subject_type="Dispute", subject_id=dispute.id, task=task, units=["hq"])


async def lab_request_answered(request: LabRequest) -> None:
    """About the task (a lab request is no node: the enterprise reads it in the task's labRequests)."""
    task = await SurveillanceTask.get(id=request.task_id)
    params = {
        **await task_params(task),
        **both("yes_no_accepted", "answer", request.accepted),
        "reason": request.decision_reason,
    }
    await notify(K.LAB_REQUEST_ANSWERED, params, subject_type=TASK, subject_id=task.id, task=task, to_enterprise=True)


async def purchase_assigned(task: SurveillanceTask, assignment, buyer_id: int) -> None:
    params = {**await task_params(task), "instructions": assignment.instructions}
    await notify(
        K.PURCHASE_ASSIGNED,
        params,
        subject_type="PurchaseAssignment",
        subject_id=assignment.id,
        task=task,
        people=[buyer_id],
    )


async def problem_answered(report, answer: str, unit_codes: Iterable[str]) -> None:
    params = {"title": report.title, "answer": answer}
    await notify(
        K.PROBLEM_ANSWERED,
        params,
        subject_type="ProblemReport",
        subject_id=report.id,
        units=unit_codes,
        people=[report.filed_by_id],
    )
