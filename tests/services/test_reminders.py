"""Deadline reminders (services/notices/reminders.py): each threshold once, a missed run catches
up with the current threshold only, reruns add nothing, and a run's statements do not grow with
the number of certificates due. Set-up through the endpoint where a user would act (results,
samples); certificate dates are set in the store."""

from datetime import UTC, date, datetime, time, timedelta

from domain.notices import NoticeKind as K
from services.clock import time_zone
from services.notices.reminders import send_due_reminders
from store.models import Certificate, OrgUnit, ReminderSent
from store.models.notices import OutboxEvent
from tests.api.notices_support import db_id, enterprise_of, rendered
from tests.api.results_support import NC, running_task, submit
from tests.api.sampling_support import _sample_under_test
from tests.api.tasks_support import create, ok

D = date(2028, 6, 30)


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), time_zone()).astimezone(UTC)


async def about(subject_type: str, subject_id: int) -> list[tuple[str, str | None]]:
    rows = await OutboxEvent.filter(subject_type=subject_type, subject_id=subject_id).order_by("id")
    for row in rows:
        rendered(row)
    return [(r.kind, r.params.get("days_left")) for r in rows]


async def live_certificate(code: str) -> Certificate:
    return await Certificate.filter(factory__code=code, status="VALID").order_by("id").first()


async def test_certificate_expiry_thresholds_once_each_and_catch_up(api):
    cert = await live_certificate("E001")
    await Certificate.filter(id=cert.id).update(expires_on=D)
    for day in (D - timedelta(days=120), D - timedelta(days=90), D - timedelta(days=89), D - timedelta(days=40)):
        await send_due_reminders(now=at(day))
    assert await about("Certificate", cert.id) == [(K.CERTIFICATE_EXPIRING, 90)]
    await send_due_reminders(now=at(D - timedelta(days=30)))
    await send_due_reminders(now=at(D))
    await send_due_reminders(now=at(D + timedelta(days=1)))
    await send_due_reminders(now=at(D + timedelta(days=2)))
    assert await about("Certificate", cert.id) == [
        (K.CERTIFICATE_EXPIRING, 90),
        (K.CERTIFICATE_EXPIRING, 30),
        (K.CERTIFICATE_EXPIRED, None),
    ]
    event = await OutboxEvent.filter(subject_id=cert.id, kind=K.CERTIFICATE_EXPIRED).first()
    assert event.audience["enterprise"] == await enterprise_of("E001") and event.audience["units"] == ["east"]

    late = await live_certificate("E002")  # the worker was down for months: only "expired", once
    await Certificate.filter(id=late.id).update(expires_on=D - timedelta(days=3))
    assert await ReminderSent.filter(subject_id=late.id).count() == 0
    await send_due_reminders(now=at(D))
    await send_due_reminders(now=at(D))
    assert await about("Certificate", late.id) == [(K.CERTIFICATE_EXPIRED, None)]
    renewed_far = await live_certificate("E003")
    await Certificate.filter(id=renewed_far.id).update(expires_on=D + timedelta(days=10))
    await send_due_reminders(now=at(D))
    assert await about("Certificate", renewed_far.id) == [(K.CERTIFICATE_EXPIRING, 10)]  # the 30-day one, not 90


async def test_suspensions_over_go_to_staff(api):
    cert, voluntary = await live_certificate("E004"), await live_certificate("E005")
    await Certificate.filter(id=cert.id).update(status="SUSPENDED", suspended_until=D, suspension_ground="MISUSE")
    await Certificate.filter(id=voluntary.id).update(
        status="SUSPENDED", suspended_until=D, suspension_ground="VOLUNTARY"
    )
    await send_due_reminders(now=at(D))
    assert [k for k, _ in await about("Certificate", cert.id)] == []
    await send_due_reminders(now=at(D + timedelta(days=1)))
    await send_due_reminders(now=at(D + timedelta(days=9)))
    over = await OutboxEvent.filter(subject_id=cert.id, kind=K.SUSPENSION_OVER)
    assert len(over) == 1 and over[0].audience["enterprise"] is None and over[0].audience["units"] == ["east"]
    assert over[0].params["ground_en"] == "misuse of the certificate or mark"
    assert await OutboxEvent.filter(subject_id=voluntary.id, kind=K.VOLUNTARY_SUSPENSION_OVER).count() == 1


async def test_corrections_tasks_and_lab_reports(api):
    task = ok(await submit(api, await running_task(api, "E006"), "PASS_AFTER_CORRECTION", [NC]))
    task_id = db_id(task["id"])
    due = date.fromisoformat(task["result"]["nonconformities"][0]["correctionDue"])
    for offset in (-20, -14, -10, -3, -1, 1, 5):
        await send_due_reminders(now=at(due + timedelta(days=offset)))
    sent = [(k, d) for k, d in await about("Task", task_id) if k.startswith("reminder.correction")]
    assert sent == [(K.CORRECTION_DUE, 14), (K.CORRECTION_DUE, 3), (K.CORRECTION_OVERDUE, None)]
    overdue = await OutboxEvent.filter(subject_id=task_id, kind=K.CORRECTION_OVERDUE).first()
    assert overdue.audience["enterprise"] == await enterprise_of("E006") and overdue.audience["units"] == ["east"]

    planned = ok(await create(api, "E007", as_user="east.planner"))  # due 2026-12-20
    await send_due_reminders(now=at(date(2026, 12, 21)))
    await send_due_reminders(now=at(date(2027, 1, 30)))
    (late,) = await OutboxEvent.filter(subject_id=db_id(planned["id"]), kind=K.TASK_OVERDUE)
    assert late.params["due_on"] == "2026-12-20" and late.audience["units"] == ["east"]

    sample = await _sample_under_test(api, "E008")
    await send_due_reminders(now=datetime.now(UTC) + timedelta(days=10))  # not yet: 20 working days
    await send_due_reminders(now=datetime.now(UTC) + timedelta(days=60))
    await send_due_reminders(now=datetime.now(UTC) + timedelta(days=61))
    overdue_reports = OutboxEvent.filter(subject_type="Sample", subject_id=db_id(sample["id"]))
    (report,) = await overdue_reports.filter(kind=K.LAB_REPORT_OVERDUE)
    assert report.audience["units"] == ["east"]  # the staff chase the lab; the lab tests blind
    assert report.audience["enterprise"] is None


async def test_a_run_takes_the_same_statements_whatever_is_due(api):
    await send_due_reminders(now=at(D))  # whatever the demo world has due that day is sent first
    east = await OrgUnit.get(code="east")

    async def statements_for(count: int, day: date) -> int:
        ids = (
            await Certificate.filter(status="VALID", factory__responsible_unit_id=east.id)
            .order_by("id")
            .limit(count)
            .values_list("id", flat=True)
        )
        await Certificate.filter(id__in=ids).update(expires_on=day + timedelta(days=20))
        with api.count_queries() as counter:
            sent = await send_due_reminders(now=at(day))
        assert sent >= count
        return len(counter.statements)

    few = await statements_for(2, D + timedelta(days=400))
    many = await statements_for(12, D + timedelta(days=800))
    assert few == many, (few, many)
    assert await send_due_reminders(now=at(D + timedelta(days=800))) == 0  # nothing twice
