"""What is due for a reminder today (domain/reminders.py decides the threshold): one query per
kind of deadline, whatever the number of certificates, tasks, findings or samples, each with
the names its notice needs joined in. Audiences are unit ids here (codes are looked up once for
the whole run); the enterprise is only ever the task's (`enterprise_unit_id`, set once it may
know) or the certificate's factory's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain import reminders
from domain.certificate import EXPIRING
from domain.custody import report_due
from domain.decisions import SuspensionGround
from domain.enums import CertificateStatus
from domain.notice_params import both
from domain.notices import NoticeKind
from domain.tasks import OPEN, TaskStatus
from services.clock import local_date
from store.models import Certificate, NonConformity, Sample, SurveillanceTask

TASK = "Task"  # subjects are named as GraphQL types, so node(id) opens them
VERIFIABLE = (TaskStatus.RESULTS_SUBMITTED, TaskStatus.RETURNED)  # as services/results/submit.py


@dataclass
class Due:
    kind: NoticeKind
    subject_type: str
    subject_id: int
    threshold: str
    params: dict[str, Any]
    unit_ids: list[int | None] = field(default_factory=list)
    enterprise_unit_id: int | None = None
    task_id: int | None = None


def _task(row: dict, prefix: str = "") -> dict[str, Any]:
    return {
        "task_number": row[f"{prefix}number"],
        "factory_name": row[f"{prefix}factory__name"],
        **both("task_kind", "kind", row[f"{prefix}kind"]),
    }


async def corrections(today: date) -> list[Due]:
    """Open findings of current results awaiting review, per task (they share one deadline)."""
    rows = await NonConformity.filter(
        result__current=True,
        result__task__status__in=list(VERIFIABLE),
        verified_at__isnull=True,
        correction_due__lte=today + timedelta(days=max(reminders.CORRECTION_DAYS)),
    ).values_list("result__task_id", "correction_due")
    open_by_task: dict[int, list[date]] = defaultdict(list)
    for task_id, due in rows:
        open_by_task[task_id].append(due)
    tasks = await SurveillanceTask.filter(id__in=list(open_by_task)).values(
        "id", "number", "kind", "factory__name", "enterprise_unit_id", "responsible_unit_id"
    )
    found = []
    for t in tasks:
        due = min(open_by_task[t["id"]])
        if (hit := reminders.correction(due, today)) is None:
            continue
        kind, key = hit
        params = {**_task(t), "correction_due": due.isoformat(), "count": len(open_by_task[t["id"]])}
        if kind == NoticeKind.CORRECTION_DUE:
            params["days_left"] = reminders.days_left(due, today)
        units = [t["responsible_unit_id"]] if kind == NoticeKind.CORRECTION_OVERDUE else []
        found.append(Due(kind, TASK, t["id"], key, params, units, t["enterprise_unit_id"], t["id"]))
    return found


async def certificates(today: date) -> list[Due]:
    """Expiring, recently expired, and suspensions over (voluntary ones at their 12 months)."""
    rows = await Certificate.filter(
        status__in=[*EXPIRING, CertificateStatus.EXPIRED],
        expires_on__gte=today - timedelta(days=reminders.EXPIRED_WINDOW_DAYS),
        expires_on__lte=today + timedelta(days=max(reminders.EXPIRY_DAYS)),
    ).values(*CERTIFICATE_FIELDS)
    suspended = await Certificate.filter(status=CertificateStatus.SUSPENDED, suspended_until__lt=today).values(
        *CERTIFICATE_FIELDS
    )
    found = []
    for c in rows:
        hit = reminders.expiry(c["expires_on"], today, c["status"] == CertificateStatus.EXPIRED)
        if hit is not None:
            kind, key = hit
            params = {**_certificate(c), "expires_on": c["expires_on"].isoformat()}
            if kind == NoticeKind.CERTIFICATE_EXPIRING:
                params["days_left"] = reminders.days_left(c["expires_on"], today)
            found.append(_for_certificate(c, kind, key, params))
    for c in suspended:
        voluntary = c["suspension_ground"] == SuspensionGround.VOLUNTARY.value
        hit = reminders.suspension_over(c["suspended_until"], voluntary, today)
        if hit is not None:
            kind, key = hit
            params = {**_certificate(c), "suspended_until": c["suspended_until"].isoformat()}
            if kind == NoticeKind.SUSPENSION_OVER:
                params |= both("ground", "ground", c["suspension_ground"])
            found.append(_for_certificate(c, kind, key, params, staff_only=True))
    return found


CERTIFICATE_FIELDS = (
    "id",
    "number",
    "holder",
    "status",
    "expires_on",
    "suspended_until",
    "suspension_ground",
    "factory__enterprise_unit_id",
    "factory__responsible_unit_id",
)


def _certificate(c: dict) -> dict[str, Any]:
    return {"certificate_number": c["number"], "holder": c["holder"]}


def _for_certificate(c: dict, kind: NoticeKind, key: str, params: dict, staff_only: bool = False) -> Due:
    """Expiry: the holder and its responsible unit; suspensions over: the responsible unit,
    which decides the revocation."""
    enterprise = None if staff_only else c["factory__enterprise_unit_id"]
    return Due(kind, "Certificate", c["id"], key, params, [c["factory__responsible_unit_id"]], enterprise)


async def tasks_overdue(today: date) -> list[Due]:
    rows = await SurveillanceTask.filter(status__in=list(OPEN), due_on__lt=today).values(
        "id", "number", "kind", "status", "due_on", "factory__name", "responsible_unit_id", "executing_unit_id"
    )
    found = []
    for t in rows:
        if key := reminders.overdue(t["due_on"], today):
            params = {**_task(t), "due_on": t["due_on"].isoformat(), **both("task_status", "status", t["status"])}
            units = [t["responsible_unit_id"], t["executing_unit_id"]]
            found.append(Due(NoticeKind.TASK_OVERDUE, TASK, t["id"], key, params, units, None, t["id"]))
    return found


async def lab_reports_overdue(today: date, working_days: int, is_workday) -> list[Due]:
    """Samples received and not reported past their working days (the official calendar). The
    staff of the responsible and executing units chase the lab; the lab itself is not told, as
    a lab tests blind (the factory and the task are not for it to know)."""
    rows = await Sample.filter(received_at__isnull=False, reported_at__isnull=True).values(
        "id",
        "identifier",
        "received_at",
        "lab__name",
        "lab__name_zh",
        "task_id",
        "task__number",
        "task__kind",
        "task__factory__name",
        "responsible_unit_id",
        "executing_unit_id",
    )
    found = []
    for s in rows:
        due = report_due(local_date(s["received_at"]), working_days, is_workday)
        if key := reminders.overdue(due, today):
            params = {
                **_task(s, "task__"),
                "sample_identifier": s["identifier"],
                "lab_zh": s["lab__name_zh"],
                "lab_en": s["lab__name"],
                "report_due": due.isoformat(),
            }
            units = [s["responsible_unit_id"], s["executing_unit_id"]]
            found.append(Due(NoticeKind.LAB_REPORT_OVERDUE, "Sample", s["id"], key, params, units, None, s["task_id"]))
    return found
