"""Delegation to a foreign agency (HQ only, overseas only) and relocation with sampling (§4.6)."""

from schema.relay import from_global_id
from store.models import SurveillanceTask
from tests.api.tasks_support import act, assign, codes, create, get, issue, ok, start
from tests.client import error_codes

AGENCY_LIST = "{ tasks(first: 50) { totalCount nodes { id requirements factory { code classification } } } }"


async def test_hq_delegates_an_overseas_task_and_the_agency_executes_it(api):
    task = ok(await create(api, "D001", as_user="hq.planner", requirements="Verify the marking on the cable reels"))
    hidden = ok(await create(api, "D002", as_user="hq.planner"))
    assert (await api.data(AGENCY_LIST, as_user="agency.de.inspector"))["tasks"]["totalCount"] == 0

    task = ok(
        await act(
            api,
            "delegateTask",
            "DelegateTaskInput",
            task,
            as_user="hq.planner",
            agencyCode="agency-de",
            reason="Local partner",
        )
    )
    assert task["executingUnit"] == {"code": "agency-de"}
    seen = (await api.data(AGENCY_LIST, as_user="agency.de.inspector"))["tasks"]
    assert seen["totalCount"] == 1 and seen["nodes"][0]["id"] == task["id"]
    assert seen["nodes"][0]["requirements"] == "Verify the marking on the cable reels"
    assert seen["nodes"][0]["factory"]["classification"] is None  # never the class
    assert hidden["id"] not in str(seen)

    task = ok(await issue(api, task, as_user="hq.planner"))
    assert codes(await assign(api, task, "east.inspector1", as_user="hq.planner")) == ["INVALID"]  # not the agency's
    task = ok(await assign(api, task, "agency.de.inspector", as_user="hq.planner"))
    task = ok(await start(api, task, as_user="agency.de.inspector"))
    assert task["status"] == "IN_PROGRESS"
    # The agency executes but never plans, handles exceptions or cancels.
    body = await api.run(
        "mutation($i: TaskActionInput!) { cancelTask(input: $i) { userErrors { code } } }",
        {"i": {"taskId": task["id"], "expectedVersion": task["version"], "reason": "x"}},
        as_user="agency.de.inspector",
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_only_hq_delegates_and_only_overseas(api):
    domestic = ok(await create(api, "N001", as_user="hq.planner"))
    assert codes(
        await act(
            api, "delegateTask", "DelegateTaskInput", domestic, as_user="hq.planner", agencyCode="agency-de", reason="x"
        )
    ) == ["INVALID"]
    overseas = ok(await create(api, "D003", as_user="hq.planner"))
    assert codes(
        await act(
            api, "delegateTask", "DelegateTaskInput", overseas, as_user="hq.planner", agencyCode="east", reason="x"
        )
    ) == ["INVALID"]
    for login in ("hq.reviewer", "hq.decider", "hq.auditor"):
        body = await api.run(
            "mutation($i: DelegateTaskInput!) { delegateTask(input: $i) { userErrors { code } } }",
            {
                "i": {
                    "taskId": overseas["id"],
                    "expectedVersion": overseas["version"],
                    "agencyCode": "agency-de",
                    "reason": "x",
                }
            },
            as_user=login,
        )
        assert error_codes(body) == ["FORBIDDEN"], login
    east_task = ok(await create(api, "E001", as_user="east.planner"))
    body = await api.run(
        "mutation($i: DelegateTaskInput!) { delegateTask(input: $i) { userErrors { code } } }",
        {"i": {"taskId": east_task["id"], "expectedVersion": 1, "agencyCode": "agency-de", "reason": "x"}},
        as_user="east.planner",
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_relocation_issues_its_sampling_and_records_the_risk_notice(api):
    task = ok(await create(api, "E005", "RELOCATION", as_user="east.planner", withSampling=True))
    task = ok(await issue(api, task, as_user="east.planner"))
    assert "撤销" in task["riskNotice"] and "revoked" in task["riskNotice"]
    detail = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { aggregateStatus children { kind status riskNotice notifiedAt } } } }",
        {"id": task["id"]},
        as_user="east.planner",
    )
    children = detail["node"]["children"]
    assert [(c["kind"], c["status"]) for c in children] == [("SAMPLING", "ISSUED")]
    assert children[0]["riskNotice"] == task["riskNotice"] and children[0]["notifiedAt"]
    notice = await get(api, task["id"], as_user="ent.E005")
    assert notice["riskNotice"] == task["riskNotice"]


async def test_relocation_without_sampling_when_already_sampled_this_year(api):
    done = ok(await create(api, "E006", "SAMPLING", as_user="east.planner"))
    # Results cannot be submitted through the API yet (issue 5): set the fact directly.
    await SurveillanceTask.filter(id=from_global_id(done["id"])[1]).update(status="RESULTS_SUBMITTED")
    task = ok(
        await issue(
            api,
            ok(await create(api, "E006", "RELOCATION", as_user="east.planner", withSampling=True)),
            as_user="east.planner",
        )
    )
    detail = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { children { kind } } } }",
        {"id": task["id"]},
        as_user="east.planner",
    )
    assert detail["node"]["children"] == []
    assert task["riskNotice"]  # the enterprise is told the risk in both cases
