"""Tasks through GraphQL: create, issue, notice, team, start, kinds, cancel — as each role.
The plan, exceptions and splits have their own files (test_task_planning.py, …)."""

from store.models import AuditEntry
from tests.api.tasks_support import (
    LIST,
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
    assert actions == [
        "task.create",
        "task.issue",
        "checklist.draw",
        "task.team_assign",
        "task.team_formed",
        "task.start",
    ]


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
