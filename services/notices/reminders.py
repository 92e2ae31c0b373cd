"""Deadline reminders (DOMAIN.md §8), sent by the worker's schedule: each reminder once per
threshold (domain/reminders.py says which threshold a deadline is at, and how a missed run
catches up: only the current threshold, once).

One run is one system command (`reminders`): it gathers what is due (one query per kind of
deadline, services/notices/reminder_candidates.py), drops what `reminder_sent` already holds,
and writes the outbox rows and the `reminder_sent` rows together, in bulk, with one audit
record counting them. A concurrent run that sends the same reminder first makes this one fail
on the unique key and roll back whole (nothing is sent twice); the next run sends the rest.
The statements a run takes do not grow with the number of certificates, tasks or samples.

The lead registers it in the worker: `await send_due_reminders(now=datetime.now(UTC),
lab_turnaround_working_days=config.lab_turnaround_working_days, calendar=config.calendar)`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from domain.audit_events import AuditAction
from domain.notice_params import check_params
from services import audit_log
from services.calendar import WorkCalendar, default_calendar
from services.clock import local_date
from services.notices import reminder_candidates as candidates
from services.runner import Work, command
from services.work import current
from store.models import OrgUnit, ReminderSent
from store.models.notices import OutboxEvent

BATCH = 500  # ids per IN list, inside SQLite's variable limit
SYSTEM_LOGIN = "reminders"  # the actor of the outbox rows and the audit record


@command(system=True, system_login=SYSTEM_LOGIN)
async def send_due_reminders(
    work: Work,
    *,
    now: datetime,
    lab_turnaround_working_days: int = 20,
    calendar: WorkCalendar | None = None,
) -> int:
    """Send every reminder due at `now` (dates in the service's time zone) not sent before;
    returns how many were sent."""
    today = local_date(now)
    is_workday = (calendar or default_calendar()).is_workday
    due = [
        *await candidates.corrections(today),
        *await candidates.certificates(today),
        *await candidates.tasks_overdue(today),
        *await candidates.lab_reports_overdue(today, lab_turnaround_working_days, is_workday),
    ]
    fresh = await _not_sent(due)
    if not fresh:
        work.nothing_changed()
        return 0
    await _write(fresh)
    counts = Counter(d.kind.value for d in fresh)
    await audit_log.record(
        AuditAction.NOTICE_REMINDERS, "Reminders", None, after={"day": today.isoformat(), "sent": dict(counts)}
    )
    return len(fresh)


async def _not_sent(due: list[candidates.Due]) -> list[candidates.Due]:
    ids = sorted({d.subject_id for d in due})
    sent: set[tuple] = set()
    for start in range(0, len(ids), BATCH):
        sent |= set(
            await ReminderSent.filter(subject_id__in=ids[start : start + BATCH]).values_list(
                "kind", "subject_type", "subject_id", "threshold"
            )
        )
    return [d for d in due if (d.kind.value, d.subject_type, d.subject_id, d.threshold) not in sent]


async def _write(fresh: list[candidates.Due]) -> None:
    actor = current().actor
    unit_ids = {u for d in fresh for u in [*d.unit_ids, d.enterprise_unit_id] if u is not None}
    code = dict(await OrgUnit.filter(id__in=unit_ids).values_list("id", "code")) if unit_ids else {}
    events, marks = [], []
    for d in fresh:
        check_params(d.kind, d.params)
        audience = {
            "units": sorted({code[u] for u in d.unit_ids if u in code}),
            "people": [],
            "enterprise": code.get(d.enterprise_unit_id) if d.enterprise_unit_id is not None else None,
        }
        events.append(
            OutboxEvent(
                kind=d.kind.value,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                task_id=d.task_id,
                audience=audience,
                params=d.params,
                actor=actor.login,
                request_id=actor.request_id,
            )
        )
        marks.append(
            ReminderSent(kind=d.kind.value, subject_type=d.subject_type, subject_id=d.subject_id, threshold=d.threshold)
        )
    await ReminderSent.bulk_create(marks, batch_size=BATCH)  # first: a duplicate fails before anything is sent
    await OutboxEvent.bulk_create(events, batch_size=BATCH)
