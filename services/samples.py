"""Sampling details of a task, samples and their chain of custody (issue 4, first slice):
the team records and ships, the lab it was sent to receives and starts testing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.audit_events import AuditAction
from domain.custody import CustodySide, SampleStatus, check_report, check_step, is_overdue, report_due
from domain.enums import UnitKind
from domain.errors import DomainError, ErrorCode
from domain.tasks import (
    SamplingMethod,
    SamplingSite,
    TaskKind,
    TaskStatus,
    check_purchase_allowed,
    purchase_hides,
    told_when_method_set,
)
from domain.validation import clean_text
from services import audit_log, versioning
from services.clock import local_date
from services.context import ServiceConfig, Session
from services.documents import checked_file, keep_document
from services.gates import GATES, SAMPLE_COLUMNS
from services.notices import task_notices, work_notices
from services.runner import Work, command
from services.scoping import in_units
from services.tasks.common import save, telling
from store.models import Factory, LabReport, OrgUnit, ProductCategory, Sample, SurveillanceTask

KIND = "sample"
SAMPLE_DOMAIN_COLUMNS = SAMPLE_COLUMNS
DETAILS_EDITABLE = (TaskStatus.DRAFT, TaskStatus.ISSUED, TaskStatus.TEAM_ASSIGNED)


@dataclass(frozen=True)
class ReportDeadline:
    """When the lab's report is due, by the official working-day calendar."""

    due_on: date | None = None
    overdue: bool = False
    note: str | None = None  # names a year counted Monday to Friday for want of its official calendar


def report_deadline(
    received_at: datetime | None, reported_at: datetime | None, today: date, config: ServiceConfig
) -> ReportDeadline:
    if received_at is None:
        return ReportDeadline()
    received, days, calendar = local_date(received_at), config.lab_turnaround_working_days, config.calendar
    due = report_due(received, days, calendar.is_workday)
    late = is_overdue(received, local_date(reported_at) if reported_at else None, today, days, calendar.is_workday)
    return ReportDeadline(due, late, calendar.note(received, due))


@command(gate="Task", action="plan")
async def set_sampling_details(
    work: Work,
    *,
    task_id: int,
    expected_version: int,
    site: SamplingSite,
    method: SamplingMethod,
    category_code: str,
    quantity: int,
    lab_code: str,
) -> SurveillanceTask:
    task = work.target
    if not (task.with_sampling or task.kind == TaskKind.SAMPLING):
        raise DomainError(ErrorCode.CONFLICT, "this task has no sampling", ("taskId",))
    if TaskStatus(task.status) not in DETAILS_EDITABLE:
        raise DomainError(ErrorCode.CONFLICT, "sampling details are fixed once the task started", ("taskId",))
    if not 1 <= quantity <= 1000:
        raise DomainError(ErrorCode.INVALID, "quantity must be 1 to 1000", ("quantity",))
    category = await ProductCategory.filter(
        code=clean_text(category_code, "productCategory", max_length=32, single_line=True)
    ).first()
    if category is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "no product category {category_code!r}",
            ("productCategory",),
            category_code=category_code,
        )
    lab = await OrgUnit.filter(
        code=clean_text(lab_code, "labCode", max_length=32, single_line=True), kind=UnitKind.LAB
    ).first()
    region = await OrgUnit.filter(id=task.responsible_unit_id).values_list("code", flat=True)
    allowed = lab is not None and (lab.id in task.disclosed_labs if task.disclosed_labs else region[0] in lab.regions)
    if not allowed:
        raise DomainError(
            ErrorCode.INVALID, "choose a lab serving the task's region (one disclosed, if any)", ("labCode",)
        )
    updates = {
        "sampling_site": site,
        "sampling_method": method,
        "sample_category_id": category.id,
        "sample_quantity": quantity,
        "lab_id": lab.id,
    }
    hides = purchase_hides(task.kind, method)
    check_purchase_allowed(task.kind, method, hides and await task_notices.ever_told(task))
    # Bought like a customer: the enterprise must not know until the team starts or the result
    # is submitted. Another method gives back what the purchase hid (the task's own flag stays).
    updates["purchase_secret"] = hides
    if hides:
        updates["enterprise_unit_id"] = None
    factory = None
    issued_untold = TaskStatus(task.status) != TaskStatus.DRAFT and task.notified_at is None
    if issued_untold and told_when_method_set(task.kind, task.unannounced, task.sampling_method, method):
        factory = await Factory.get(id=task.factory_id)
        updates |= telling(factory)
    await save(task, **updates)
    await audit_log.record(
        AuditAction.TASK_SAMPLING_DETAILS,
        "SurveillanceTask",
        task.id,
        after={
            "site": site.value,
            "method": method.value,
            "category": category.code,
            "quantity": quantity,
            "lab": lab.code,
        },
    )
    if factory is not None:
        await task_notices.issued(task, factory)
    return task


# The gate's route: sample `record` in the task's units, by the task's own team.
@command(gate="Task", action="record_sample")
async def record_sample(
    work: Work, *, task_id: int, identifier: str, seal_number: str, quantity: int, place: str
) -> Sample:
    task = work.target
    if TaskStatus(task.status) != TaskStatus.IN_PROGRESS:
        raise DomainError(ErrorCode.CONFLICT, "samples are taken while the task is in progress", ("taskId",))
    if task.lab_id is None:
        raise DomainError(ErrorCode.CONFLICT, "the planner has not set the sampling details yet", ("taskId",))
    if not 1 <= quantity <= 1000:
        raise DomainError(ErrorCode.INVALID, "quantity must be 1 to 1000", ("quantity",))
    ident = clean_text(identifier, "identifier", max_length=64, single_line=True)
    if await Sample.filter(identifier=ident).exists():
        raise DomainError(ErrorCode.CONFLICT, "a sample with this identifier exists", ("identifier",))
    sample = await Sample.create(
        task_id=task.id,
        identifier=ident,
        seal_number=clean_text(seal_number, "sealNumber", max_length=64, single_line=True),
        quantity=quantity,
        place=clean_text(place, "place", max_length=300),
        taken_by_id=work.actor.user_id,
        taken_at=datetime.now(UTC),
        status=SampleStatus.SEALED,
        responsible_unit_id=task.responsible_unit_id,
        executing_unit_id=task.executing_unit_id,
    )
    await audit_log.record(AuditAction.SAMPLE_SEAL, "Sample", sample.id, after={"identifier": ident, "task": task.id})
    await work_notices.sample_taken(task, sample)
    return sample


# The Sample gate lets the task's team ship, and the buyer ship the samples they bought.
@command(gate="Sample", action="ship")
async def ship_sample(work: Work, *, sample_id: int, expected_version: int, carrier: str, tracking: str) -> Sample:
    sample = work.target
    task = await SurveillanceTask.get(id=sample.task_id)
    updates = {
        "carrier": clean_text(carrier, "carrier", max_length=100, single_line=True),
        "tracking_number": clean_text(tracking, "trackingNumber", max_length=100, single_line=True),
        "shipped_at": datetime.now(UTC),
        "lab_id": task.lab_id,
    }
    await _step(sample, SampleStatus.SHIPPED, CustodySide.SAMPLER, updates)
    return sample


@command(gate="Sample", action="receive")
async def receive_sample(work: Work, *, sample_id: int, expected_version: int, condition: str) -> Sample:
    sample = work.target
    updates = {
        "received_at": datetime.now(UTC),
        "condition_on_arrival": clean_text(condition, "condition", max_length=2000),
    }
    await _step(sample, SampleStatus.RECEIVED, CustodySide.LAB, updates)
    return sample


@command(gate="Sample", action="test")
async def start_testing(work: Work, *, sample_id: int, expected_version: int) -> Sample:
    sample = work.target
    await _step(sample, SampleStatus.TESTING, CustodySide.LAB, {"testing_started_at": datetime.now(UTC)})
    return sample


async def _load(session: Session, sample_id: int, action: str) -> Sample:
    """A sample the caller may act on; one it may not read looks missing."""
    sample, _ = await GATES["Sample"].open_for(session, sample_id, action)
    return sample


async def reload_for(session: Session, sample_id: int, operation: str) -> Sample:
    """A replayed command's sample, if the caller may still do what the command did."""
    actions = {
        "shipSample": "ship",
        "recordSample": "record",
        "receiveSample": "receive",
        "startSampleTesting": "test",
        "submitLabReport": "report",
    }
    return await _load(session, sample_id, actions[operation])


async def _step(sample: Sample, target: SampleStatus, side: CustodySide, updates) -> None:
    """One custody step of a sample the runner opened (and checked the version of)."""
    before = SampleStatus(sample.status)
    check_step(before, target, side)
    await versioning.save_versioned(sample, "sample", status=target, **updates)
    plain = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in updates.items()}
    await audit_log.record(
        AuditAction(f"sample.{target.value.lower()}"),
        "Sample",
        sample.id,
        before={"status": before.value},
        after={"status": target.value, **plain},
    )


async def visible_samples(session: Session, qs_filter: dict | None = None):
    scope = in_units(await session.perms.unit_ids("read", KIND), columns=SAMPLE_DOMAIN_COLUMNS)
    return Sample.filter(scope, **(qs_filter or {}))


@command(gate="Sample", action="report")
async def submit_report(
    work: Work,
    *,
    sample_id: int,
    expected_version: int,
    items: list[tuple[str, bool]],
    passed: bool,
    marking_nonconformity: bool,
    document: tuple[bytes, str | None, str | None] | None,
) -> Sample:
    """The lab reports: per-item results, the conclusion, the marking finding, the document."""
    max_bytes = work.user.config.max_upload_bytes
    cleaned = [(clean_text(name, "items", max_length=200, single_line=True), ok) for name, ok in items]
    if len(cleaned) > 200:
        raise DomainError(ErrorCode.INVALID, "at most 200 test items", ("items",))
    check_report(cleaned, passed)
    sample = work.target
    if await SurveillanceTask.filter(id=sample.task_id, status=TaskStatus.ARCHIVED).exists():
        raise DomainError(ErrorCode.CONFLICT, "the task's record is archived and read-only", ("sampleId",))
    doc_id = None
    if document is not None:
        data, filename, declared = document
        content_type = checked_file(data, declared, max_bytes)
        doc = await keep_document(
            work,
            task_id=sample.task_id,
            purpose="LAB_REPORT",
            data=data,
            content_type=content_type,
            filename=clean_text(filename or "report.pdf", "filename", max_length=200, single_line=True),
        )
        doc_id = doc.id
    now = datetime.now(UTC)
    await _step(sample, SampleStatus.REPORTED, CustodySide.LAB, {"reported_at": now})
    await LabReport.create(
        sample_id=sample.id,
        items=[{"item": n, "passed": ok} for n, ok in cleaned],
        passed=passed,
        marking_nonconformity=marking_nonconformity,
        document_id=doc_id,
        reported_by_id=work.actor.user_id,
        reported_at=now,
    )
    await audit_log.record(
        AuditAction.SAMPLE_LAB_REPORT,
        "Sample",
        sample.id,
        after={"passed": passed, "markingNonconformity": marking_nonconformity, "items": len(cleaned)},
    )
    await work_notices.lab_report_in(await SurveillanceTask.get(id=sample.task_id), sample, passed)
    return sample


async def reports_of(sample_ids: list[int]) -> dict[int, LabReport]:
    return {r.sample_id: r for r in await LabReport.filter(sample_id__in=sample_ids)}
