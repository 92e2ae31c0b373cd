"""An object the caller may not read answers exactly like a missing one, on the commands an
outside attack on the use-case runner found telling them apart: a finding of another unit's
task (verifyCorrection), an enterprise unit the caller cannot see (generatePlan), purchase
work the enterprise may not read although it reads the task (withdrawPurchaseAssignment)."""

import dataclasses

import pytest

from schema.relay import to_global_id
from server.settings import Settings
from store.models import OrgUnit
from tests.api.purchase_support import assign_buyer, purchase_input, purchase_task, record
from tests.api.results_support import NC, running_task, submit
from tests.api.tasks_support import get, ok

VERIFY = """mutation($i: VerifyCorrectionInput!) { verifyCorrection(input: $i) {
  task { id } userErrors { field message code } } }"""
PLAN = """mutation($i: GeneratePlanInput!) { generatePlan(input: $i) { createdCount userErrors { field message code } } }"""
WITHDRAW = """mutation($i: WithdrawPurchaseAssignmentInput!) { withdrawPurchaseAssignment(input: $i) {
  assignment { status } userErrors { field code message } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(
        Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"), max_upload_bytes=50_000
    )


def _answer(body: dict, field: str):
    """What a caller learns: the GraphQL error codes, or the payload's userErrors."""
    if "errors" in body:
        return [e.get("extensions", {}).get("code") for e in body["errors"]]
    return body["data"][field]["userErrors"]


async def test_verify_correction_does_not_reveal_findings_of_unreadable_tasks(api):
    """Regression: south's planner cannot read East's task, yet verifyCorrection told an existing
    non-conformity of it ("no such task", field taskId) from a missing one ("no such
    non-conformity", field nonconformityId): the ids of East's findings can be enumerated."""
    task = ok(await submit(api, await running_task(api), "FAIL", [NC]))
    existing = task["result"]["nonconformities"][0]["id"]
    assert (await api.data(NODE, {"id": task["id"]}, as_user="south.planner"))["node"] is None
    answers = []
    for gid in (existing, to_global_id("Nonconformity", 999_999)):
        body = {"nonconformityId": gid, "method": "WRITTEN", "closed": True, "correctiveAction": "Fixed"}
        answers.append(_answer(await api.run(VERIFY, {"i": body}, as_user="south.planner"), "verifyCorrection"))
    assert answers[0] == answers[1], answers


async def test_generate_plan_does_not_reveal_enterprise_units_the_caller_cannot_see(api):
    """Enterprise units are known only to who reads their factory (gates._org_unit). South's
    planner cannot see East's enterprise ent-e001, yet generatePlan answered FORBIDDEN for it
    and NOT_FOUND for a unit that does not exist."""
    unit = await OrgUnit.get(code="ent-e001")
    assert (await api.data(NODE, {"id": to_global_id("OrgUnit", unit.id)}, as_user="south.planner"))["node"] is None
    existing = _answer(await api.run(PLAN, {"i": {"unitCode": "ent-e001", "year": 2027}}, as_user="south.planner"),
                       "generatePlan")  # fmt: skip
    missing = _answer(await api.run(PLAN, {"i": {"unitCode": "ent-zzzz", "year": 2027}}, as_user="south.planner"),
                      "generatePlan")  # fmt: skip
    assert existing == missing, (existing, missing)


async def test_withdraw_route_does_not_reveal_purchase_work_to_the_enterprise(api):
    """Regression: the `withdraw` route let whoever reads the *task* open the purchase assignment.
    Once a market purchase's result is submitted the enterprise reads the task, but never its
    purchase work (node(id) is null for it); withdrawPurchaseAssignment nevertheless answered
    FORBIDDEN for its assignment and NOT_FOUND for a missing one."""
    task = await purchase_task(api)
    assignment = (await assign_buyer(api, task))["assignment"]
    assert (await record(api, purchase_input(assignment["id"], "k-1")))["data"]["recordPurchase"]["userErrors"] == []
    task = await get(api, task["id"], as_user="east.planner")
    submit_q = "mutation($i: SubmitResultsInput!) { submitResults(input: $i) { task { status } userErrors { code } } }"
    body = {"i": {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "PASS"}}
    assert (await api.data(submit_q, body, as_user="east.planner"))["submitResults"]["userErrors"] == []
    assert (await api.data(NODE, {"id": assignment["id"]}, as_user="ent.E001"))["node"] is None
    answers = []
    for gid in (assignment["id"], to_global_id("PurchaseAssignment", 999_999)):
        b = {"assignmentId": gid, "expectedVersion": 1, "reason": "take it back"}
        answers.append(_answer(await api.run(WITHDRAW, {"i": b}, as_user="ent.E001"), "withdrawPurchaseAssignment"))
    assert answers[0] == answers[1], answers
