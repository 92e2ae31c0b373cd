"""Helpers for result tests: drive a task to a submitted, reviewed or decided state."""

from tests.api.tasks_support import TASK_FIELDS, assign, create, issue, ok, start

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


async def mutate(api, name: str, input_type: str, body: dict, *, as_user: str) -> dict:
    query = f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {PAYLOAD} }} }}"
    return (await api.data(query, {"i": body}, as_user=as_user))[name]


async def running_task(api, code="E001", kind="ROUTINE_NOTIFIED", *, planner="east.planner",
                       leader="east.inspector1", members=(), **extra):  # fmt: skip
    task = ok(await create(api, code, kind, as_user=planner, **extra))
    task = ok(await issue(api, task, as_user=planner))
    task = ok(await assign(api, task, leader, members, as_user=planner))
    return ok(await start(api, task, as_user=leader))


async def submit(api, task, conclusion="PASS", findings=(), *, as_user="east.inspector1", summary="All clauses met"):
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
