"""Third attack on notices (issue 14), after the fixes: the secrecy of unannounced and bought
(买样) tasks along splits, exceptions and conversions, and what a late pre-notice says. Every
test here failed when written: each is a defect found (see its docstring). Probes that passed
(notice routes: two simultaneous adds, two simultaneous removals, a replayed add) were left out."""

from __future__ import annotations

from tests.api.purchase_support import DETAILS, PROBLEM, assign_buyer
from tests.api.tasks_support import act, assign, create, get, issue, ok, start
from tests.services.notice_support import worker

INBOX = "{ notifications(first: 50) { nodes { kind subjectId body } } }"
SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) {
  task { id version } children { id version kind } userErrors { field code } } }"""


def _body(task: dict, method: str, site: str = "FACTORY") -> dict:
    return {"taskId": task["id"], "expectedVersion": task["version"], "site": site, "method": method,
            "productCategory": "C01", "quantity": 2, "labCode": "east-lab-2"}  # fmt: skip


async def _details(api, task: dict, method: str, site: str = "FACTORY") -> dict:
    return (await api.data(DETAILS, {"i": _body(task, method, site)}, as_user="east.planner"))["setSamplingDetails"]


async def _inbox(api, login: str) -> list[dict]:
    return (await api.data(INBOX, as_user=login))["notifications"]["nodes"]


# --- Secrecy of unannounced parts --------------------------------------------------------------


async def test_an_unannounced_part_split_off_a_told_task_is_hidden_until_started(api, settings):
    """Defect: a ROUTINE_UNANNOUNCED part split off a pre-notified task is shown to the enterprise at once."""
    parent = ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))
    body = {"taskId": parent["id"], "expectedVersion": parent["version"], "reason": "Second visit unannounced",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "ROUTINE_UNANNOUNCED"}]}  # fmt: skip
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert split["userErrors"] == []
    hidden = split["children"][1]
    assert hidden["kind"] == "ROUTINE_UNANNOUNCED"
    assert await get(api, hidden["id"], as_user="ent.E002") is None
    part = await get(api, hidden["id"], as_user="east.planner")
    ok(await assign(api, part, "east.inspector1", as_user="east.planner"))
    await worker(settings).run_once(periodic=False)
    assert [n for n in await _inbox(api, "ent.E002") if n["subjectId"] == hidden["id"]] == []


async def test_buying_blind_is_refused_once_the_enterprise_saw_the_started_task(api, settings):
    """Defect: a started unannounced sampling task, rescheduled after an exception, may then be bought 'blind'."""
    task = ok(await create(api, "E001", "SAMPLING", as_user="east.planner", unannounced=True))
    task = ok(await issue(api, task, as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    task = ok(await start(api, task, as_user="east.inspector1"))
    assert await get(api, task["id"], as_user="ent.E001") is not None  # the enterprise knows of it now
    task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user="east.inspector1",
                        reason="PRODUCTION_STOPPED", details="Line stopped"))  # fmt: skip
    task = ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", task, as_user="east.planner",
                        handling="RESCHEDULE", note="Later", plannedStart="2027-01-10", plannedEnd="2027-01-11"))  # fmt: skip
    bought = await _details(api, task, "PURCHASE", "MARKET")
    assert bought["userErrors"] == [{"field": ["input", "method"], "code": "CONFLICT"}]


async def test_a_sampling_task_told_after_its_team_was_formed_names_the_team(api, settings):
    """Defect: 抽样 set once the team is formed tells the enterprise 'the team will be announced', and it never is."""
    task = ok(
        await issue(api, ok(await create(api, "E001", "SAMPLING", as_user="east.planner")), as_user="east.planner")
    )
    task = ok(await assign(api, task, "east.inspector1", ["east.inspector2"], as_user="east.planner"))
    task = await _details(api, task, "SAMPLING")
    assert task["userErrors"] == []
    await worker(settings).run_once(periodic=False)
    told = [n["body"] for n in await _inbox(api, "ent.E001") if n["kind"] == "inspection.prenotified"]
    assert len(told) == 1 and "with a team of 2" in told[0], told


async def test_a_converted_purchase_task_is_pre_notified_as_the_planner_chose(api, settings):
    """Defect: a 买样 task converted to a special inspection keeps `purchase_secret`: a pre-notified inspection stays unannounced for good."""
    task = ok(
        await issue(api, ok(await create(api, "E001", "SAMPLING", as_user="east.planner")), as_user="east.planner")
    )
    task = (await _details(api, task, "PURCHASE", "MARKET"))["task"]
    assignment = (await assign_buyer(api, task))["assignment"]
    body = {"assignmentId": assignment["id"], "expectedVersion": assignment["version"],
            "reason": "PRODUCT_NOT_FOUND", "details": "Three markets visited, no stock"}  # fmt: skip
    assert (await api.data(PROBLEM, {"i": body}, as_user="buyer.east"))["reportPurchaseProblem"]["userErrors"] == []
    task = await get(api, task["id"], as_user="east.planner")
    task = ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", task, as_user="east.planner",
                        handling="CONVERT_TO_SPECIAL", note="Inspect the factory instead"))  # fmt: skip
    assert task["kind"] == "SPECIAL"
    ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    await worker(settings).run_once(periodic=False)
    assert await get(api, task["id"], as_user="ent.E001") is not None
    told = [n["kind"] for n in await _inbox(api, "ent.E001") if n["subjectId"] == task["id"]]
    assert "inspection.prenotified" in told, told
