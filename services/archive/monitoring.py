"""Monitoring statistics (§4.7) per unit and period: for the unit's own staff, and for all
units at HQ. Tasks count in a period by their due date; lab reports by their report date."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from domain.tasks import OPEN, TaskStatus
from domain.working_days import working_days_between
from services.calendar import WorkCalendar, default_calendar
from services.clock import end_of, local_date, start_of, today
from services.context import Session
from services.errors import BadInput, Forbidden
from store.models import (
    InspectionResult,
    LabReport,
    NonConformity,
    OrgUnit,
    PersonDayEntry,
    SurveillanceTask,
    TaskException,
)

KIND = "monitoring"
DONE = (TaskStatus.RESULTS_SUBMITTED, TaskStatus.RETURNED, TaskStatus.REVIEWED, TaskStatus.DECIDED, TaskStatus.ARCHIVED)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Statistics:
    unit_code: str | None
    date_from: date
    date_to: date
    tasks_by_kind_and_status: list[tuple[str, str, int]] = field(default_factory=list)
    completed: int = 0
    completed_on_time: int = 0
    overdue: int = 0
    exceptions_by_reason: list[tuple[str, int]] = field(default_factory=list)
    results: int = 0
    results_with_nonconformities: int = 0
    sampling_by_category: list[tuple[str, int, int]] = field(default_factory=list)  # code, tested, failed
    lab_turnaround: list[tuple[str, int, float]] = field(default_factory=list)  # lab, reports, mean working days
    person_days_planned: float = 0.0
    person_days_actual: float = 0.0
    person_days_by_inspector: list[tuple[str, float]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.completed_on_time, self.completed)

    @property
    def nonconformity_rate(self) -> float | None:
        return rate(self.results_with_nonconformities, self.results)


def may_read(session: Session, unit_code: str | None) -> None:
    """A unit's statistics for those who may read that unit's monitoring; all units' for HQ's."""
    if unit_code is None:  # all units: HQ's view
        if not session.perms.decide("read", KIND, ["hq"]).allowed:
            raise Forbidden("statistics over all units are HQ's")
    elif not session.perms.decide("read", KIND, [unit_code[:32]]).allowed:
        raise Forbidden("you may not read this unit's statistics")


async def statistics(session: Session, unit_code: str | None, date_from: date, date_to: date) -> Statistics:
    """A query, not a command: it changes nothing and records nothing."""
    if date_from > date_to or (date_to - date_from).days > 3660 or not 2000 <= date_from.year <= date_to.year <= 2100:
        raise BadInput("the period runs forwards, within 2000-2100, over at most ten years", "dateTo")
    may_read(session, unit_code)
    return await compute(unit_code, date_from, date_to, session.config.calendar)


async def compute(
    unit_code: str | None, date_from: date, date_to: date, calendar: WorkCalendar | None = None
) -> Statistics:
    """The statistics, unchecked (the CLI runs them on the server for its operator). Lab
    turnaround counts working days by `calendar` (the official one by default)."""
    scope = {}
    if unit_code is not None:
        unit = await OrgUnit.filter(code=unit_code[:32]).first()
        if unit is None:
            raise BadInput("no unit {code!r}", "unitCode", code=unit_code[:32])
        scope = {"responsible_unit_id": unit.id}
    stats = Statistics(unit_code, date_from, date_to)
    tasks = await SurveillanceTask.filter(**scope, due_on__gte=date_from, due_on__lte=date_to).values(
        "id", "kind", "status", "due_on", "planned_person_days", "sample_category__code"
    )
    ids = [t["id"] for t in tasks]
    counts = Counter((t["kind"], t["status"]) for t in tasks)
    stats.tasks_by_kind_and_status = sorted((k, s, n) for (k, s), n in counts.items())
    first_results = dict(
        await InspectionResult.filter(task_id__in=ids, number=1).values_list("task_id", "submitted_at")
    )
    now = today()
    for t in tasks:
        if TaskStatus(t["status"]) in DONE and t["id"] in first_results:
            stats.completed += 1
            stats.completed_on_time += local_date(first_results[t["id"]]) <= t["due_on"]
        elif TaskStatus(t["status"]) in OPEN and t["due_on"] < now:
            stats.overdue += 1
    reasons = Counter(await TaskException.filter(task_id__in=ids).values_list("reason", flat=True))
    stats.exceptions_by_reason = sorted(reasons.items())
    current = await InspectionResult.filter(task_id__in=ids, current=True).values_list("id", flat=True)
    stats.results = len(current)
    stats.results_with_nonconformities = len(
        set(await NonConformity.filter(result_id__in=list(current)).values_list("result_id", flat=True))
    )
    await _sampling(stats, ids)
    await _turnaround(stats, scope, date_from, date_to, calendar or default_calendar())
    stats.person_days_planned = sum(t["planned_person_days"] or 0 for t in tasks)
    by_inspector: dict[str, float] = defaultdict(float)
    for login, days in await PersonDayEntry.filter(task_id__in=ids).values_list("user__login", "days"):
        by_inspector[login] += days
    stats.person_days_by_inspector = sorted(by_inspector.items())
    stats.person_days_actual = sum(by_inspector.values())
    return stats


async def _sampling(stats: Statistics, task_ids: list[int]) -> None:
    tested: Counter = Counter()
    failed: Counter = Counter()
    for category, passed in await LabReport.filter(sample__task_id__in=task_ids).values_list(
        "sample__task__sample_category__code", "passed"
    ):
        tested[category or "-"] += 1
        failed[category or "-"] += not passed
    stats.sampling_by_category = sorted((c, tested[c], failed[c]) for c in tested)


async def _turnaround(stats: Statistics, scope: dict, date_from: date, date_to: date, calendar: WorkCalendar) -> None:
    lab_scope = {f"sample__task__{k}": v for k, v in scope.items()}
    rows = await LabReport.filter(
        **lab_scope, reported_at__gte=start_of(date_from), reported_at__lt=end_of(date_to)
    ).values_list("sample__lab__code", "sample__received_at", "reported_at")
    spans: dict[str, list[int]] = defaultdict(list)
    for lab, received, reported in rows:
        spans[lab].append(working_days_between(local_date(received), local_date(reported), calendar.is_workday))
    stats.lab_turnaround = sorted((lab, len(d), round(sum(d) / len(d), 2)) for lab, d in spans.items())
