"""Lab disclosure (§4.1): the enterprise is told the labs, may ask, the planner decides."""

from tests.api.tasks_support import act, create, get, issue, ok
from tests.client import error_codes

LABS = """query($id: ID!) { node(id: $id) { ... on Task { disclosedLabs { code }
  labRequests { id preferredLab { code } text requestedBy accepted decisionReason decidedAt } } } }"""
FILE = """mutation($i: FileLabRequestInput!) { fileLabRequest(input: $i) {
  task { labRequests { id preferredLab { code } accepted } } userErrors { field code } } }"""
DECIDE = """mutation($i: DecideLabRequestInput!) { decideLabRequest(input: $i) {
  task { labRequests { accepted decisionReason } } userErrors { field code } } }"""


async def test_disclosure_request_and_decision(api):
    task = ok(
        await issue(
            api, ok(await create(api, "E001", as_user="east.planner", withSampling=True)), as_user="east.planner"
        )
    )
    seen = (await api.data(LABS, {"id": task["id"]}, as_user="ent.E001"))["node"]
    assert [lab["code"] for lab in seen["disclosedLabs"]] == ["east-lab-1", "east-lab-2"]

    wrong = (
        await api.data(
            FILE, {"i": {"taskId": task["id"], "labCode": "south-lab-1", "text": "closer"}}, as_user="ent.E001"
        )
    )["fileLabRequest"]
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID"]
    filed = (
        await api.data(
            FILE,
            {
                "i": {
                    "taskId": task["id"],
                    "labCode": "east-lab-2",
                    "text": "East Lab 1 tested our competitor's product",
                }
            },
            as_user="ent.E001",
        )
    )["fileLabRequest"]
    assert filed["userErrors"] == []
    request = filed["task"]["labRequests"][0]
    assert request["preferredLab"] == {"code": "east-lab-2"} and request["accepted"] is None

    body = await api.run(
        DECIDE, {"i": {"requestId": request["id"], "accepted": True, "reason": "x"}}, as_user="ent.E001"
    )
    assert error_codes(body) == ["FORBIDDEN"]
    other = await api.data(
        DECIDE, {"i": {"requestId": request["id"], "accepted": True, "reason": "x"}}, as_user="south.planner"
    )
    assert [e["code"] for e in other["decideLabRequest"]["userErrors"]] == ["NOT_FOUND"]
    decided = (
        await api.data(
            DECIDE,
            {
                "i": {
                    "requestId": request["id"],
                    "accepted": True,
                    "reason": "Reasonable: avoids a conflict of interest",
                }
            },
            as_user="east.planner",
        )
    )["decideLabRequest"]
    assert decided["task"]["labRequests"] == [
        {"accepted": True, "decisionReason": "Reasonable: avoids a conflict of interest"}
    ]
    again = (
        await api.data(
            DECIDE,
            {"i": {"requestId": request["id"], "accepted": False, "reason": "changed my mind"}},
            as_user="east.planner",
        )
    )["decideLabRequest"]
    assert [e["code"] for e in again["userErrors"]] == ["CONFLICT"]
    seen = (await api.data(LABS, {"id": task["id"]}, as_user="ent.E001"))["node"]
    assert seen["labRequests"][0]["requestedBy"] == "ent.E001" and seen["labRequests"][0]["decidedAt"]


async def test_no_disclosure_without_a_choice_or_without_sampling(api):
    single_lab = ok(
        await issue(
            api, ok(await create(api, "S001", as_user="south.planner", withSampling=True)), as_user="south.planner"
        )
    )
    assert (await api.data(LABS, {"id": single_lab["id"]}, as_user="ent.S001"))["node"]["disclosedLabs"] == []
    payload = (await api.data(FILE, {"i": {"taskId": single_lab["id"], "text": "please"}}, as_user="ent.S001"))[
        "fileLabRequest"
    ]
    assert [e["code"] for e in payload["userErrors"]] == ["CONFLICT"]
    no_sampling = ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))
    assert (await api.data(LABS, {"id": no_sampling["id"]}, as_user="ent.E002"))["node"]["disclosedLabs"] == []


async def test_only_the_enterprise_files_and_only_for_its_own_task(api):
    task = ok(
        await issue(
            api, ok(await create(api, "E001", as_user="east.planner", withSampling=True)), as_user="east.planner"
        )
    )
    foreign = (await api.data(FILE, {"i": {"taskId": task["id"], "text": "x"}}, as_user="ent.E002"))["fileLabRequest"]
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]
    body = await api.run(FILE, {"i": {"taskId": task["id"], "text": "x"}}, as_user="east.planner")
    assert error_codes(body) == ["FORBIDDEN"]


async def test_lab_requests_only_on_open_tasks_and_one_at_a_time(api):
    file = """mutation($i: FileLabRequestInput!) { fileLabRequest(input: $i) { userErrors { code } } }"""
    task = ok(
        await issue(
            api, ok(await create(api, "E001", as_user="east.planner", withSampling=True)), as_user="east.planner"
        )
    )
    first = await api.data(file, {"i": {"taskId": task["id"], "text": "please East Lab 2"}}, as_user="ent.E001")
    assert first["fileLabRequest"]["userErrors"] == []
    second = await api.data(file, {"i": {"taskId": task["id"], "text": "again"}}, as_user="ent.E001")
    assert [e["code"] for e in second["fileLabRequest"]["userErrors"]] == ["CONFLICT"]
    task = await get(api, task["id"], as_user="east.planner")
    ok(await act(api, "cancelTask", "TaskActionInput", task, as_user="east.planner", reason="dropped"))
    closed = await api.data(file, {"i": {"taskId": task["id"], "text": "late"}}, as_user="ent.E001")
    assert [e["code"] for e in closed["fileLabRequest"]["userErrors"]] == ["CONFLICT"]
