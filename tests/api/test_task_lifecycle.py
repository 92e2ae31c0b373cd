"""Tasks through GraphQL: plan, issue, notice, team, start, exceptions, split — as each role."""

import pytest

from store.models import AuditEntry
from tests.api.tasks_support import (
    act,
    assign,
    codes,
    create,
    get,
    issue,
    ok,
    start,
)
from tests.client import error_codes

PLAN = """mutation($i: GeneratePlanInput!) { generatePlan(input: $i) { createdCount
  tasks { kind status dueOn factory { code classification } responsibleUnit { code } } userErrors { code } } }"""
LIST = (
    "query($f: TaskFilter) { tasks(first: 100, filter: $f) { totalCount nodes { id kind status factory { code } } } }"
)


async def test_plan_generation_covers_every_due_factory_once(api):
    first = (await api.data(PLAN, {"i": {"unitCode": "east", "year": 2026}}, as_user="east.planner"))["generatePlan"]
    tasks = first["tasks"]
    assert first["userErrors"] == [] and first["createdCount"] == len(tasks) > 0
    assert {t["responsibleUnit"]["code"] for t in tasks} == {"east"}
    assert {t["status"] for t in tasks} == {"DRAFT"}
    per_factory = {}
    for t in tasks:
        per_factory.setdefault(t["factory"]["code"], []).append(t)
    assert set(per_factory) == {f"E{i:03d}" for i in range(1, 11)}
    for code, drafts in per_factory.items():  # class D twice a year, unannounced; A-C once
        klass = drafts[0]["factory"]["classification"]
        assert len(drafts) == (2 if klass == "D" else 1), code
        assert {d["kind"] for d in drafts} == {"ROUTINE_UNANNOUNCED" if klass in "CD" else "ROUTINE_NOTIFIED"}
    again = (await api.data(PLAN, {"i": {"unitCode": "east", "year": 2026}}, as_user="east.planner"))["generatePlan"]
    assert again["createdCount"] == 0
    listed = await api.data(LIST, {"f": {"year": 2026, "status": "DRAFT"}}, as_user="east.reviewer")
    assert listed["tasks"]["totalCount"] == len(tasks)


@pytest.mark.parametrize(
    ("login", "unit"),
    [("south.planner", "east"), ("east.inspector1", "east"), ("east.planner", "hq"), ("agency.de.inspector", "hq")],
)
async def test_plan_generation_is_for_the_unit_itself_or_hq(api, login, unit):
    body = await api.run(PLAN, {"i": {"unitCode": unit, "year": 2026}}, as_user=login)
    assert error_codes(body) == ["FORBIDDEN"]
    hq = (await api.data(PLAN, {"i": {"unitCode": "east", "year": 2026}}, as_user="hq.planner"))["generatePlan"]
    assert hq["createdCount"] > 0


async def test_pre_notified_task_from_draft_to_start(api):
    task = ok(
        await create(api, "E001", as_user="east.planner", requirements="Check the raw-material incoming inspection")
    )
    assert task["status"] == "DRAFT" and task["notifiedAt"] is None
    assert await get(api, task["id"], as_user="ent.E001") is None  # no notice before issue

    task = ok(await issue(api, task, as_user="east.planner"))
    assert task["status"] == "ISSUED" and task["notifiedAt"]
    notice = await get(api, task["id"], as_user="ent.E001")
    assert notice["plannedStart"] == "2026-12-01" and notice["requirements"] is None
    assert notice["factory"]["classification"] is None
    assert await get(api, task["id"], as_user="ent.E002") is None

    task = ok(await assign(api, task, "east.inspector1", ["east.inspector2"], as_user="east.planner"))
    assert task["status"] == "TEAM_ASSIGNED"
    assert sorted((m["login"], m["isLeader"]) for m in task["team"]) == [
        ("east.inspector1", True),
        ("east.inspector2", False),
    ]
    mine = await api.data("{ myTasks(first: 10) { totalCount nodes { id } } }", as_user="east.inspector2")
    assert mine["myTasks"]["nodes"] == [{"id": task["id"]}]

    task = ok(await start(api, task, as_user="east.inspector1"))
    assert task["status"] == "IN_PROGRESS" and task["startedAt"]
    timeline = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { timeline(first: 20) { nodes { action actor } } } } }",
        {"id": task["id"]},
        as_user="east.reviewer",
    )
    actions = [n["action"] for n in timeline["node"]["timeline"]["nodes"]]
    assert actions == ["task.create", "task.issue", "task.team_assign", "task.team_formed", "task.start"]


async def test_unannounced_task_is_invisible_to_the_enterprise_until_started(api):
    task = ok(
        await issue(
            api, ok(await create(api, "E003", "ROUTINE_UNANNOUNCED", as_user="east.planner")), as_user="east.planner"
        )
    )
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    assert task["notifiedAt"] is None
    for query, variables in [
        (LIST, {}),
        (LIST, {"f": {"kind": "ROUTINE_UNANNOUNCED"}}),
        (LIST, {"f": {"status": "TEAM_ASSIGNED"}}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": task["id"]}),
        ('query($id: ID!) { authorization(action: "read", objectId: $id) { allowed rule } }', {"id": task["id"]}),
    ]:
        body = await api.run(query, variables, as_user="ent.E003")
        assert "errors" not in body
        flat = str(body["data"])
        assert task["id"] not in flat and "'totalCount': 1" not in flat and "True" not in flat, body
    body = await api.run(
        "mutation($i: TaskActionInput!) { startTask(input: $i) { userErrors { code message } } }",
        {"i": {"taskId": task["id"], "expectedVersion": task["version"]}},
        as_user="ent.E003",
    )
    assert body["data"]["startTask"]["userErrors"][0]["code"] == "NOT_FOUND"

    ok(await start(api, task, as_user="east.inspector1"))
    seen = await get(api, task["id"], as_user="ent.E003")
    assert seen["status"] == "IN_PROGRESS"


async def test_team_rules(api):
    task = ok(await issue(api, ok(await create(api, "E004", as_user="east.planner")), as_user="east.planner"))
    for leader, members, field in [
        ("east.planner", [], ["input", "memberLogins", "0"]),  # not an inspector
        ("agency.de.inspector", [], ["input", "memberLogins", "0"]),  # not of the executing unit
        ("east.inspector1", ["nobody"], ["input", "memberLogins", "1"]),
    ]:
        payload = await assign(api, task, leader, members, as_user="east.planner")
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", field)]
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))

    other = ok(
        await issue(
            api,
            ok(await create(api, "E005", as_user="east.planner", window=("2026-12-03", "2026-12-05"))),
            as_user="east.planner",
        )
    )
    assert codes(await assign(api, other, "east.inspector1", as_user="east.planner")) == [
        "CONFLICT"
    ]  # overlapping window
    ok(await assign(api, other, "east.inspector2", as_user="east.planner"))

    assert codes(await assign(api, task, "east.inspector2", as_user="east.planner")) == [
        "REQUIRED"
    ]  # change needs a reason
    changed = await act(api, "assignTeam", "AssignTeamInput", task, as_user="east.planner", leaderLogin="east.inspector1",
                        memberLogins=["east.inspector1"], reason="same")  # fmt: skip
    assert codes(changed) == ["NO_CHANGE"]
    history = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { team(includeRemoved: true) { login removedAt reason } } } }",
        {"id": task["id"]},
        as_user="east.planner",
    )
    assert len(history["node"]["team"]) == 1


async def test_team_change_keeps_history(api):
    task = ok(await issue(api, ok(await create(api, "E006", as_user="east.planner")), as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector2", as_user="east.planner", reason="inspector1 is ill"))
    assert [m["login"] for m in task["team"]] == ["east.inspector2"]
    history = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { team(includeRemoved: true) { login removedAt reason } } } }",
        {"id": task["id"]},
        as_user="east.planner",
    )
    removed = [m for m in history["node"]["team"] if m["removedAt"]]
    assert [(m["login"], m["reason"]) for m in removed] == [("east.inspector1", "inspector1 is ill")]


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


async def test_split_into_inspection_and_sampling(api):
    task = ok(await create(api, "E002", as_user="east.planner"))
    certs = (await get(api, task["id"], as_user="east.planner"))["certificates"]
    body = {"taskId": task["id"], "expectedVersion": task["version"], "reason": "Separate the sampling",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING", "requirements": "Take 3 samples"}]}  # fmt: skip
    split = (await api.data(
        "mutation($i: SplitTaskInput!) { splitTask(input: $i) { task { version aggregateStatus children { kind status } } children { id kind withSampling certificates { number } } userErrors { code } } }",
        {"i": body}, as_user="east.planner"))["splitTask"]  # fmt: skip
    assert split["userErrors"] == []
    assert [c["kind"] for c in split["children"]] == ["ROUTINE_NOTIFIED", "SAMPLING"]
    assert split["children"][1]["withSampling"] is True
    assert all(c["certificates"] == certs for c in split["children"])
    assert split["task"]["aggregateStatus"] == "DRAFT" and split["task"]["version"] == 2
    again = (await api.data("mutation($i: SplitTaskInput!) { splitTask(input: $i) { userErrors { code } } }",
                            {"i": {**body, "expectedVersion": 2}}, as_user="east.planner"))["splitTask"]  # fmt: skip
    assert [e["code"] for e in again["userErrors"]] == ["CONFLICT"]


async def test_kind_rules_and_validation(api):
    assert codes(await create(api, "E001", "RESTORATION", as_user="east.planner")) == [
        "INVALID"
    ]  # E001's certificates are valid
    assert codes(await create(api, "E001", "SPECIAL", as_user="east.planner")) == ["REQUIRED"]
    special = await create(
        api,
        "E001",
        "SPECIAL",
        as_user="east.planner",
        specialTrigger="COMPLAINT",
        triggerDetails="Consumer complaint 2026-118",
    )
    assert ok(special)["specialTrigger"] == "COMPLAINT"
    assert codes(await create(api, "E001", as_user="east.planner", window=("2026-12-05", "2026-12-01"))) == ["INVALID"]
    restoration = await create(
        api, "E003", "RESTORATION", as_user="east.planner", certs=[(await _suspended_cert(api, "E003"))]
    )
    assert ok(restoration)["kind"] == "RESTORATION"


async def _suspended_cert(api, code):
    from tests.client import factory

    f = await factory(api, code)
    data = await api.data(
        "query($fid: ID!) { certificates(first: 5, filter: {factoryId: $fid, status: SUSPENDED}) { nodes { id } } }",
        {"fid": f["id"]},
        as_user="hq.planner",
    )
    return data["certificates"]["nodes"][0]["id"]


async def test_other_jurisdictions_cannot_see_or_act(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    for login in ("south.planner", "south.decider", "agency.de.inspector", "ent.E002", "lab.east1"):
        assert await get(api, task["id"], as_user=login) is None
        listed = await api.data(LIST, as_user=login)
        assert task["id"] not in str(listed)
        assert codes(await issue(api, task, as_user=login)) == ["NOT_FOUND"]


async def test_readers_without_the_right_get_forbidden(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    for login in ("east.inspector1", "east.reviewer", "east.decider", "hq.reviewer", "hq.auditor"):
        body = await api.run(
            "mutation($i: TaskActionInput!) { issueTask(input: $i) { task { status } } }",
            {"i": {"taskId": task["id"], "expectedVersion": task["version"]}},
            as_user=login,
        )
        assert error_codes(body) == ["FORBIDDEN"], login
    assert (await get(api, task["id"], as_user="east.planner"))["status"] == "DRAFT"


async def test_stale_version_and_no_partial_write(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    audits = await AuditEntry.all().count()
    stale = await act(api, "issueTask", "TaskActionInput", {**task, "version": 99}, as_user="east.planner")
    assert codes(stale) == ["STALE_VERSION"]
    cancel_without_reason = await act(api, "cancelTask", "TaskActionInput", task, as_user="east.planner")
    assert codes(cancel_without_reason) == ["REQUIRED"]
    assert await AuditEntry.all().count() == audits
    cancelled = ok(await act(api, "cancelTask", "TaskActionInput", task, as_user="east.planner", reason="Duplicate"))
    assert cancelled["status"] == "CANCELLED"
    assert codes(await issue(api, cancelled, as_user="east.planner")) == ["TRANSITION_NOT_ALLOWED"]


async def test_plan_uses_the_initial_inspection_and_risk_signals(api):
    from datetime import date

    from store.models import Certificate

    await Certificate.filter(factory__code="E001").update(
        issued_on=date(2025, 6, 1), initial_inspection_end=date(2025, 3, 15)
    )
    await Certificate.filter(factory__code="E005").update(issued_on=date(2025, 8, 1), initial_inspection_end=None)
    ok(await create(api, "E002", "RELOCATION", as_user="east.planner"))  # a change at the factory: one class worse
    tasks = (await api.data(PLAN, {"i": {"unitCode": "east", "year": 2026}}, as_user="east.planner"))["generatePlan"][
        "tasks"
    ]
    due = {t["factory"]["code"]: (t["dueOn"], t["kind"]) for t in tasks}
    assert due["E001"] == ("2026-03-15", "ROUTINE_NOTIFIED")  # 12 months after the initial inspection (class A)
    assert due["E005"] == ("2026-08-01", "ROUTINE_NOTIFIED")  # no initial inspection: 12 months after issue
    assert due["E002"][1] == "ROUTINE_UNANNOUNCED"  # class B raised to C by the relocation


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
    detail = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { exceptions { handling handledAt } } } }",
        {"id": task["id"]},
        as_user="hq.planner",
    )
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
    detail = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { exceptions { handling handledAt } } } }",
        {"id": task["id"]},
        as_user="hq.planner",
    )
    assert detail["node"]["exceptions"][0]["handling"] == "CANCEL" and detail["node"]["exceptions"][0]["handledAt"]
