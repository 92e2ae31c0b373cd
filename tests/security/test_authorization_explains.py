"""`authorization(action, objectId)` says what the command will do, for every demo login.

Each command is sent with a stale `expectedVersion`, so nothing changes: a caller the gate lets
through gets STALE_VERSION (or another rule's user error); one it stops gets FORBIDDEN, or
NOT_FOUND when it may not even read the object. The explanation must agree every time."""

from __future__ import annotations

import pytest

from store.models import User
from tests.api.tasks_support import act, assign, create, issue, ok, start
from tests.client import error_codes

STALE = 999_999
LOGINS = [
    "hq.admin", "hq.auditor", "hq.planner", "hq.reviewer", "hq.decider", "hq.archivist", "hq.inspector",
    "east.planner", "east.inspector1", "east.reviewer", "east.decider", "east.archivist",
    "south.planner", "south.inspector", "agency.de.inspector", "buyer.east", "lab.east1", "ent.E001", "ent.D001",
]  # fmt: skip

TASK_COMMANDS = {  # policy action -> (mutation, input type, extra input)
    "issue": ("issueTask", "TaskActionInput", {}),
    "start": ("startTask", "TaskActionInput", {}),
    "cancel": ("cancelTask", "TaskActionInput", {"reason": "Probe of the policy"}),
    "plan": ("scheduleTask", "ScheduleTaskInput", {"plannedStart": "2026-12-07", "plannedEnd": "2026-12-08"}),
    "delegate": ("delegateTask", "DelegateTaskInput", {"agencyCode": "agency-de", "reason": "Probe of the policy"}),
    "report_exception": (
        "reportTaskException", "ReportTaskExceptionInput", {"reason": "FACTORY_CLOSED", "details": "Probe"},
    ),
    "assign_team": ("assignTeam", "AssignTeamInput", {"leaderLogin": "east.inspector1"}),
    "assign_buyer": ("assignBuyer", "AssignBuyerInput", {"buyerLogin": "buyer.east"}),
    "assess_risk": ("assessRisk", "AssessRiskInput", {"level": "LOW", "recommendation": "Probe"}),
    "archive": ("archiveTask", "ArchiveTaskInput", {}),
}  # fmt: skip
FACTORY_COMMANDS = {
    "reclassify": ("changeFactoryClass", "ChangeFactoryClassInput", {"classification": "B", "reason": "Probe"}),
    "update": ("correctFactoryInformation", "CorrectFactoryInformationInput", {"reason": "Probe", "name": "Probe"}),
}

FACTORIES = """{ factories(first: 100) { nodes { id code } } }"""


def explain_query(actions) -> str:
    fields = " ".join(f'{a}: authorization(action: "{a}", objectId: $id) {{ allowed }}' for a in actions)
    return f"query($id: ID!) {{ {fields} }}"


def command_query(mutation: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ userErrors {{ code }} }} }}"


def gate_passed(body: dict, mutation: str) -> bool:
    codes = error_codes(body)
    assert set(codes) <= {"FORBIDDEN"}, body  # nothing else may go wrong
    if codes:
        return False
    return [e["code"] for e in body["data"][mutation]["userErrors"]] != ["NOT_FOUND"]


async def sample_objects(api) -> dict[str, list[str]]:
    """An issued East task, a draft in South, one in North China (HQ's own) and one that HQ
    delegated to the German agency; factories of East, Germany and North China."""
    east = ok(await issue(api, ok(await create(api, "E001", as_user="east.planner")), as_user="east.planner"))
    south = ok(await create(api, "S001", as_user="south.planner"))
    north = ok(await create(api, "N001", as_user="hq.planner"))
    german = ok(await create(api, "D001", as_user="hq.planner"))
    ok(await act(api, "delegateTask", "DelegateTaskInput", german, as_user="hq.planner", agencyCode="agency-de",
                 reason="Served by the partner agency"))  # fmt: skip
    factories = {f["code"]: f["id"] for f in (await api.data(FACTORIES, as_user="hq.planner"))["factories"]["nodes"]}
    return {
        "task": [east["id"], south["id"], north["id"], german["id"]],
        "factory": [factories["E001"], factories["D001"], factories["N001"]],
    }


@pytest.mark.parametrize("login", LOGINS)
async def test_authorization_answers_what_the_command_does(api, login):
    assert await User.filter(login=login).exists()
    objects = await sample_objects(api)
    for kind, commands in (("task", TASK_COMMANDS), ("factory", FACTORY_COMMANDS)):
        id_field = "taskId" if kind == "task" else "factoryId"
        for object_id in objects[kind]:
            said = await api.data(explain_query(commands), {"id": object_id}, as_user=login)
            for action, (mutation, input_type, extra) in commands.items():
                variables = {"i": {id_field: object_id, "expectedVersion": STALE, **extra}}
                body = await api.run(command_query(mutation, input_type), variables, as_user=login)
                assert said[action]["allowed"] == gate_passed(body, mutation), (login, action, object_id, body)


async def test_team_rules_are_part_of_the_answer(api):
    task = ok(await create(api, "E002", as_user="east.planner"))
    task = ok(await issue(api, task, as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", ["east.inspector2"], as_user="east.planner"))
    task = ok(await start(api, task, as_user="east.inspector1"))
    submit = """mutation($i: SubmitResultsInput!) { submitResults(input: $i) { userErrors { code } } }"""
    variables = {"i": {"taskId": task["id"], "expectedVersion": STALE, "conclusion": "PASS"}}
    for login, leads in (("east.inspector1", True), ("east.inspector2", False)):
        said = await api.data(explain_query(["submit_results", "attach_form"]), {"id": task["id"]}, as_user=login)
        assert said["submit_results"]["allowed"] is leads
        assert said["attach_form"]["allowed"] is True  # every team member files forms
        assert gate_passed(await api.run(submit, variables, as_user=login), "submitResults") is leads


async def test_other_node_types_answer_as_node_does(api):
    audit = await api.data("{ auditLog(first: 1) { nodes { id } } }", as_user="hq.auditor")
    entry = audit["auditLog"]["nodes"][0]["id"]
    category = await api.data("{ productCategories(first: 1) { nodes { id } } }", as_user="ent.E001")
    category = category["productCategories"]["nodes"][0]["id"]
    query = 'query($id: ID!) { authorization(action: "read", objectId: $id) { allowed } }'
    assert (await api.data(query, {"id": entry}, as_user="hq.auditor"))["authorization"]["allowed"] is True
    assert (await api.data(query, {"id": entry}, as_user="east.planner"))["authorization"]["allowed"] is False
    assert (await api.data(query, {"id": category}, as_user="ent.E001"))["authorization"]["allowed"] is True
    missing_rule = 'query { authorization(action: "manage", objectId: "UG9saWN5UnVsZTo5OTk5OTk") { allowed } }'
    assert (await api.data(missing_rule, as_user="hq.admin"))["authorization"]["allowed"] is False
