"""Exceptions on a task (docs/domain.md, 4.3 Exceptions): reported by the executing side,
handled by the planner (reschedule, cancel, convert to a special inspection) or escalated to
HQ, who alone handles it then; a rescheduled unannounced task leaves the enterprise's view."""

from tests.api.tasks_support import act, assign, codes, create, get, issue, ok, start
from tests.client import error_codes

HANDLE = "HandleTaskExceptionInput"


async def test_exception_refused_unannounced_then_rescheduled(api):
    task = ok(
        await issue(
            api, ok(await create(api, "E007", "ROUTINE_UNANNOUNCED", as_user="east.planner")), as_user="east.planner"
        )
    )
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user="east.inspector1",
                        reason="REFUSED_INSPECTION", details="Gate closed, manager refused entry"))  # fmt: skip
    assert task["status"] == "EXCEPTION" and task["suspensionGround"] == "REFUSED_UNANNOUNCED_INSPECTION"

    denied = await api.run(
        "mutation($i: HandleTaskExceptionInput!) { handleTaskException(input: $i) { userErrors { code } } }",
        {"i": {"taskId": task["id"], "expectedVersion": task["version"], "handling": "CANCEL", "note": "x"}},
        as_user="east.inspector1",
    )
    assert error_codes(denied) == ["FORBIDDEN"]
    missing = await act(
        api,
        "handleTaskException",
        "HandleTaskExceptionInput",
        task,
        as_user="east.planner",
        handling="RESCHEDULE",
        note="new date",
    )
    assert codes(missing) == ["REQUIRED"]
    task = ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", task, as_user="east.planner",
                        handling="RESCHEDULE", note="new date", plannedStart="2027-01-10", plannedEnd="2027-01-11"))  # fmt: skip
    assert (task["status"], task["plannedStart"], task["team"]) == ("ISSUED", "2027-01-10", [])
    detail = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { exceptions { reason handling handledAt } } } }",
        {"id": task["id"]},
        as_user="east.planner",
    )
    assert detail["node"]["exceptions"] == [
        {
            "reason": "REFUSED_INSPECTION",
            "handling": "RESCHEDULE",
            "handledAt": detail["node"]["exceptions"][0]["handledAt"],
        }
    ]
    assert detail["node"]["exceptions"][0]["handledAt"]


async def test_exception_converted_to_special(api):
    task = ok(await issue(api, ok(await create(api, "E009", as_user="east.planner")), as_user="east.planner"))
    task = ok(
        await act(
            api,
            "reportTaskException",
            "ReportTaskExceptionInput",
            task,
            as_user="east.inspector2",
            reason="PRODUCTION_STOPPED",
            details="Seasonal stop",
        )
    )
    task = ok(
        await act(
            api,
            "handleTaskException",
            "HandleTaskExceptionInput",
            task,
            as_user="hq.planner",
            handling="CONVERT_TO_SPECIAL",
            note="Inspect when production resumes",
        )
    )
    assert (task["kind"], task["status"], task["specialTrigger"]) == ("SPECIAL", "ISSUED", "OTHER")


async def test_escalated_exception_waits_for_hq(api):
    task = ok(await issue(api, ok(await create(api, "E010", as_user="east.planner")), as_user="east.planner"))
    task = ok(
        await act(
            api,
            "reportTaskException",
            "ReportTaskExceptionInput",
            task,
            as_user="east.inspector1",
            reason="FACTORY_MOVED",
            details="Moved to Anhui",
        )
    )
    escalated = ok(
        await act(
            api,
            "handleTaskException",
            "HandleTaskExceptionInput",
            task,
            as_user="east.planner",
            handling="ESCALATE",
            note="Needs HQ",
        )
    )
    assert escalated["status"] == "EXCEPTION"
    detail = await _exceptions(api, task)
    assert detail["node"]["exceptions"] == [{"handling": "ESCALATE", "handledAt": None}]
    done = ok(
        await act(
            api,
            "handleTaskException",
            "HandleTaskExceptionInput",
            escalated,
            as_user="hq.planner",
            handling="CANCEL",
            note="Relocation inspection instead",
        )
    )
    assert done["status"] == "CANCELLED"
    detail = await _exceptions(api, task)
    assert detail["node"]["exceptions"][0]["handling"] == "CANCEL" and detail["node"]["exceptions"][0]["handledAt"]


async def test_escalated_exception_is_for_hq_only(api):
    task = ok(await issue(api, ok(await create(api, "E010", as_user="east.planner")), as_user="east.planner"))
    task = ok(
        await act(
            api,
            "reportTaskException",
            "ReportTaskExceptionInput",
            task,
            as_user="east.inspector1",
            reason="OTHER",
            details="Dispute",
        )
    )
    task = ok(
        await act(
            api, "handleTaskException", HANDLE, task, as_user="east.planner", handling="ESCALATE", note="HQ please"
        )
    )
    body = await api.run(
        "mutation($i: HandleTaskExceptionInput!) { handleTaskException(input: $i) { userErrors { code } } }",
        {"i": {"taskId": task["id"], "expectedVersion": task["version"], "handling": "CANCEL", "note": "x"}},
        as_user="east.planner",
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert (
        ok(await act(api, "handleTaskException", HANDLE, task, as_user="hq.planner", handling="CANCEL", note="closed"))[
            "status"
        ]
        == "CANCELLED"
    )


async def _started_unannounced(api, code="E003"):
    task = ok(
        await issue(
            api, ok(await create(api, code, "ROUTINE_UNANNOUNCED", as_user="east.planner")), as_user="east.planner"
        )
    )
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    return ok(await start(api, task, as_user="east.inspector1"))


async def test_rescheduled_unannounced_task_leaves_the_enterprise_view(api):
    task = await _started_unannounced(api)
    assert await get(api, task["id"], as_user="ent.E003") is not None
    task = ok(
        await act(
            api,
            "reportTaskException",
            "ReportTaskExceptionInput",
            task,
            as_user="east.inspector1",
            reason="PRODUCTION_STOPPED",
            details="Stopped",
        )
    )
    task = ok(await act(api, "handleTaskException", HANDLE, task, as_user="east.planner", handling="RESCHEDULE", note="later",
                        plannedStart="2027-03-10", plannedEnd="2027-03-11"))  # fmt: skip
    assert await get(api, task["id"], as_user="ent.E003") is None
    listed = await api.data("{ tasks(first: 10) { totalCount } }", as_user="ent.E003")
    assert listed["tasks"]["totalCount"] == 0


async def _exceptions(api, task) -> dict:
    return await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { exceptions { handling handledAt } } } }",
        {"id": task["id"]},
        as_user="hq.planner",
    )
