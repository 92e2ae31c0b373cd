"""Splitting a task into parts (docs/domain.md, Splits): the parts follow the kind rules and
stay unannounced with their parent, the parent becomes a container that is cancelled with its
parts, and cascades are audited on every part."""

from tests.api.tasks_support import act, assign, codes, create, get, issue, ok

SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) {
  task { id version } children { id version kind notifiedAt } userErrors { field code } } }"""


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


async def test_split_parts_follow_the_kind_rules(api):
    parent = ok(await create(api, "E001", as_user="east.planner"))
    body = {
        "taskId": parent["id"],
        "expectedVersion": 1,
        "reason": "x",
        "parts": [{"kind": "RESTORATION"}, {"kind": "SPECIAL"}],
    }
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert [(e["code"], e["field"][:3]) for e in split["userErrors"]] == [("INVALID", ["input", "parts", "0"])]


async def test_parts_of_an_unannounced_task_stay_unannounced(api):
    parent = ok(await create(api, "E008", "ROUTINE_UNANNOUNCED", as_user="east.planner"))
    body = {
        "taskId": parent["id"],
        "expectedVersion": 1,
        "reason": "two teams",
        "parts": [{"kind": "SAMPLING"}, {"kind": "ROUTINE_UNANNOUNCED"}],
    }
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    sampling = split["children"][0]
    issued = ok(await issue(api, sampling, as_user="east.planner"))
    assert issued["notifiedAt"] is None
    assert await get(api, sampling["id"], as_user="ent.E008") is None


async def test_a_split_task_is_a_container(api):
    parent = ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))
    body = {
        "taskId": parent["id"],
        "expectedVersion": parent["version"],
        "reason": "x",
        "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}],
    }
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    parent = await get(api, parent["id"], as_user="east.planner")
    assert codes(await assign(api, parent, "east.inspector1", as_user="east.planner")) == ["CONFLICT"]
    cancelled = ok(
        await act(api, "cancelTask", "TaskActionInput", parent, as_user="east.planner", reason="Factory closed")
    )
    assert cancelled["status"] == "CANCELLED"
    for child in split["children"]:
        assert (await get(api, child["id"], as_user="east.planner"))["status"] == "CANCELLED"


async def test_task_history_is_readable_and_cascades_are_audited(api):
    task = ok(await create(api, "D002", as_user="hq.planner"))
    body = {
        "taskId": task["id"],
        "expectedVersion": 1,
        "reason": "two parts",
        "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}],
    }
    split = (await api.data(SPLIT, {"i": body}, as_user="hq.planner"))["splitTask"]
    ok(
        await act(
            api,
            "delegateTask",
            "DelegateTaskInput",
            split["task"],
            as_user="hq.planner",
            agencyCode="agency-de",
            reason="partner",
        )
    )
    trail = "query($id: ID!) { auditTrail(objectId: $id, first: 20) { nodes { action objectId after } } }"
    for child in split["children"]:
        nodes = (await api.data(trail, {"id": child["id"]}, as_user="hq.planner"))["auditTrail"]["nodes"]
        assert [n["action"] for n in nodes] == ["task.split", "task.delegate"]
        assert {n["objectId"] for n in nodes} == {child["id"]}
    issued = ok(await issue(api, ok(await create(api, "E001", as_user="east.planner")), as_user="east.planner"))
    nodes = (await api.data(trail, {"id": issued["id"]}, as_user="east.planner"))["auditTrail"]["nodes"]
    assert "enterprise_unit_id" not in str(nodes)
    assert (await api.data(trail, {"id": issued["id"]}, as_user="ent.E001"))["auditTrail"]["nodes"] == []
