"""Helpers for result tests: drive a task to a submitted, reviewed or decided state, change a
decided result, or run a relocation whose sampling failed on marking."""

from tests.api.checklist_support import answer_open_items
from tests.api.tasks_support import TASK_FIELDS, assign, create, get, issue, ok, start

OUTCOME_FIELDS = f"""{TASK_FIELDS} complex
  result {{ number conclusion effectiveConclusion summary submittedBy changeReason
    nonconformities {{ id clause severity correctionDue verifiedClosed verificationMethod verificationReportUrl }} }}
  resultHistory {{ number conclusion current changeReason submittedBy }}
  reviews {{ outcome comments reviewer resultNumber }}
  riskAssessments {{ level recommendation assessedBy }}
  decision {{ outcome ground reason decider resultNumber }}
  disputes {{ id status subject version }}"""
PAYLOAD = f"task {{ {OUTCOME_FIELDS} }} userErrors {{ field message code }}"
ASSIGN_ROLE = """mutation($input: RoleAssignmentInput!) { assignRole(input: $input) { userErrors { code } } }"""
SPOT = """mutation($i: RecordSpotCheckInput!) { recordSpotCheck(input: $i) {
  certificate { status } userErrors { field code } } }"""


async def mutate(api, name: str, input_type: str, body: dict, *, as_user: str) -> dict:
    query = f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {PAYLOAD} }} }}"
    return (await api.data(query, {"i": body}, as_user=as_user))[name]


async def running_task(api, code="E001", kind="ROUTINE_NOTIFIED", *, planner="east.planner",
                       leader="east.inspector1", members=(), **extra):  # fmt: skip
    task = ok(await create(api, code, kind, as_user=planner, **extra))
    task = ok(await issue(api, task, as_user=planner))
    task = ok(await assign(api, task, leader, members, as_user=planner))
    return ok(await start(api, task, as_user=leader))


async def submit(api, task, conclusion="PASS", findings=(), *, as_user="east.inspector1", summary="All clauses met",
                 answer=True):  # fmt: skip
    """Submit as `as_user`, first answering every open checklist item as conforming (as that
    user, so who may not answer changes nothing); `answer=False` leaves the checklist as it is."""
    if answer:
        await answer_open_items(task["id"], as_user=as_user)
    body = {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": conclusion, "summary": summary,
            "nonconformities": list(findings)}  # fmt: skip
    return await mutate(api, "submitResults", "SubmitResultsInput", body, as_user=as_user)


async def review(api, task, outcome="AGREE", comments=None, *, as_user="east.reviewer"):
    body = {"taskId": task["id"], "expectedVersion": task["version"], "outcome": outcome, "comments": comments}
    return await mutate(api, "reviewResults", "ReviewResultsInput", body, as_user=as_user)


async def decide(api, task, outcome="MAINTAIN", ground=None, *, as_user="east.decider", reason="Per the result"):
    body = {"taskId": task["id"], "expectedVersion": task["version"], "outcome": outcome, "ground": ground,
            "reason": reason}  # fmt: skip
    return await mutate(api, "decideCertification", "DecideCertificationInput", body, as_user=as_user)


async def assess(api, task, level="MEDIUM", *, as_user="east.reviewer"):
    body = {"taskId": task["id"], "expectedVersion": task["version"], "level": level,
            "recommendation": "Watch the marking at the next surveillance"}  # fmt: skip
    return await mutate(api, "assessRisk", "AssessRiskInput", body, as_user=as_user)


async def reviewed_task(api, code="E001", conclusion="PASS", findings=(), **kw):
    task = ok(await submit(api, await running_task(api, code, **kw), conclusion, findings))
    return ok(await review(api, task))


async def grant(api, login: str, role: str, unit: str) -> None:
    body = {"login": login, "role": role, "unitCode": unit, "reason": "Test set-up"}
    assert (await api.data(ASSIGN_ROLE, {"input": body}, as_user="hq.admin"))["assignRole"]["userErrors"] == []


def codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


NC = {"clause": "4.2.1", "severity": "GENERAL", "description": "Incoming inspection records incomplete"}
SERIOUS = {"clause": "4.3", "severity": "SERIOUS", "description": "Critical component replaced without approval"}


async def _change(api, task, *, as_user="east.decider", **fields) -> dict:
    body = {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "FAIL",
            "reason": "Appeal upheld", **fields}  # fmt: skip
    return await mutate(api, "changeResult", "ChangeResultInput", body, as_user=as_user)


async def _step(api, name, body, user):
    query = (
        f"mutation($i: SampleStepInput!) {{ {name}(input: $i) {{ sample {{ id version }} userErrors {{ code }} }} }}"
    )
    payload = (await api.data(query, {"i": body}, as_user=user))[name]
    assert payload["userErrors"] == [], payload
    return payload["sample"]


async def _relocation_with_failed_marking_sample(api):
    """E007 moved: the relocation inspection passes, its sampling finds a marking non-conformity."""
    parent = ok(await issue(api, ok(await create(api, "E007", "RELOCATION", as_user="east.planner",
                                                 withSampling=True)), as_user="east.planner"))  # fmt: skip
    child_id = (await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { children { id version } } } }", {"id": parent["id"]},
        as_user="east.planner",
    ))["node"]["children"][0]["id"]  # fmt: skip
    child = await get(api, child_id, as_user="east.planner")
    details = {"taskId": child["id"], "expectedVersion": child["version"], "site": "FACTORY", "method": "SAMPLING",
               "productCategory": "C07", "quantity": 1, "labCode": "east-lab-2"}  # fmt: skip
    set_details = (
        "mutation($i: SamplingDetailsInput!) { setSamplingDetails(input: $i) { task { version } userErrors { code } } }"
    )
    child["version"] = (await api.data(set_details, {"i": details}, as_user="east.planner"))["setSamplingDetails"][
        "task"
    ]["version"]
    child = ok(await start(api, ok(await assign(api, child, "east.inspector2", as_user="east.planner")),
                           as_user="east.inspector2"))  # fmt: skip
    record = "mutation($i: RecordSampleInput!) { recordSample(input: $i) { sample { id } userErrors { code } } }"
    sample = (await api.data(record, {"i": {"taskId": child["id"], "identifier": "RL-1", "sealNumber": "F",
                                             "quantity": 1, "place": "New site"}}, as_user="east.inspector2"))[
        "recordSample"]["sample"]  # fmt: skip
    s = await _step(api, "shipSample", {"sampleId": sample["id"], "expectedVersion": 1, "carrier": "EMS",
                                         "trackingNumber": "E1"}, "east.inspector2")  # fmt: skip
    s = await _step(api, "receiveSample", {"sampleId": s["id"], "expectedVersion": 2, "condition": "ok"}, "lab.east2")
    s = await _step(api, "startSampleTesting", {"sampleId": s["id"], "expectedVersion": 3}, "lab.east2")
    report = """mutation($i: SubmitLabReportInput!) { submitLabReport(input: $i) { userErrors { code } } }"""
    items = [{"item": "marking", "passed": False}]
    body = {"sampleId": s["id"], "expectedVersion": 4, "items": items, "conclusionPassed": False,
            "markingNonconformity": True}  # fmt: skip
    assert (await api.data(report, {"i": body}, as_user="lab.east2"))["submitLabReport"]["userErrors"] == []
    parent = await get(api, parent["id"], as_user="east.planner")
    parent = ok(await start(api, ok(await assign(api, parent, "east.inspector1", as_user="east.planner")),
                            as_user="east.inspector1"))  # fmt: skip
    return ok(await review(api, ok(await submit(api, parent, "PASS"))))
