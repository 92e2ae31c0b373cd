"""An unannounced task (不通知) reaches the enterprise through no notice before its team starts it
(DOMAIN.md §8): its creation, issue, labs, team and team change, reschedule, materials and
cancellation write no outbox row whose audience is the enterprise or names one of its people,
and no row the enterprise could read mentions the task. After the start it gets what it should.
(The delivery side reads only these rows: each channel is tested from the outbox there.)"""

from domain.enums import UnitKind
from domain.notices import NoticeKind as K
from store.models import User
from tests.api.notices_support import enterprise_of, events, kinds
from tests.api.tasks_support import PDF, act, assign, create, issue, ok, start, upload


async def enterprise_people() -> set[int]:
    return set(await User.filter(unit__kind=UnitKind.ENTERPRISE).values_list("id", flat=True))


async def assert_nothing_reaches_the_enterprise(task: dict) -> None:
    people = await enterprise_people()
    for event in await events():
        assert event.audience["enterprise"] is None, (event.kind, event.audience)
        assert not people & set(event.audience["people"]), (event.kind, event.audience)
        assert not {u for u in event.audience["units"] if u.startswith("ent")}, event.audience


async def test_an_unannounced_task_reaches_the_enterprise_only_once_started(api):
    planner, leader = "east.planner", "east.inspector1"
    task = ok(await create(api, "E001", "ROUTINE_UNANNOUNCED", as_user=planner, withSampling=True))
    task = ok(await act(api, "scheduleTask", "ScheduleTaskInput", task, as_user=planner,
                        plannedStart="2026-12-02", plannedEnd="2026-12-04"))  # fmt: skip
    task = ok(await issue(api, task, as_user=planner))  # two East labs: a disclosure is due, later
    task = ok(await act(api, "scheduleTask", "ScheduleTaskInput", task, as_user=planner,
                        plannedStart="2026-12-03", plannedEnd="2026-12-05"))  # fmt: skip
    assert (await upload(api, task["id"], PDF, as_user=planner)).status_code == 200
    task = ok(await assign(api, task, leader, as_user=planner))  # a material does not bump the version
    task = ok(await assign(api, task, leader, ["east.inspector2"], as_user=planner, reason="Second pair of eyes"))
    task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user=leader,
                        reason="FORCE_MAJEURE", details="Typhoon"))  # fmt: skip
    task = ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", task, as_user=planner,
                        handling="RESCHEDULE", note="After the typhoon", plannedStart="2026-12-08",
                        plannedEnd="2026-12-10"))  # fmt: skip
    task = ok(await assign(api, task, leader, as_user=planner))
    await assert_nothing_reaches_the_enterprise(task)
    staff = kinds(await events(task=task))
    assert K.TEAM_ASSIGNED in staff and K.TASK_EXCEPTION in staff  # the staff were told all along

    other = ok(await issue(api, ok(await create(api, "E002", "ROUTINE_UNANNOUNCED", as_user=planner)), as_user=planner))
    other = ok(await assign(api, other, "east.inspector2", as_user=planner))
    ok(await act(api, "cancelTask", "TaskActionInput", other, as_user=planner, reason="Plan changed"))
    (cancelled,) = await events(K.INSPECTION_CANCELLED, task=other)
    assert cancelled.audience["people"] and cancelled.audience["enterprise"] is None
    await assert_nothing_reaches_the_enterprise(other)

    ok(await start(api, task, as_user=leader))  # the team is at the gate
    told = [e for e in await events(task=task) if e.audience["enterprise"]]
    assert kinds(told) == [K.LABS_DISCLOSED]
    assert told[0].audience["enterprise"] == await enterprise_of("E001")
