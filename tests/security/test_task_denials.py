"""Denial table: roles that can read a task (or nothing) try each planner-only command.
Readers without the right get FORBIDDEN; others get NOT_FOUND, as for a missing task. Only
the team starts a task, and only the executing side reports an exception on it."""

import pytest

from tests.api.tasks_support import act, assign, create, issue, ok
from tests.client import error_codes

COMMANDS = {
    "scheduleTask": ("ScheduleTaskInput", {"plannedStart": "2026-12-01", "plannedEnd": "2026-12-02"}),
    "splitTask": ("SplitTaskInput", {"reason": "x", "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}]}),
    "cancelTask": ("TaskActionInput", {"reason": "x"}),
    "issueTask": ("TaskActionInput", {}),
    "setSamplingDetails": (
        "SamplingDetailsInput",
        {"site": "FACTORY", "method": "SAMPLING", "productCategory": "C01", "quantity": 1, "labCode": "east-lab-1"},
    ),
}
READERS_WITHOUT_RIGHT = ["east.inspector1", "east.reviewer", "hq.auditor"]
OUTSIDERS = ["south.planner", "agency.de.inspector", "ent.E002", "lab.east1", "buyer.east"]


@pytest.mark.parametrize("mutation", COMMANDS)
async def test_planner_commands_are_denied_to_everyone_else(api, mutation):
    task = ok(await create(api, "E001", "SAMPLING", as_user="east.planner"))
    input_type, fields = COMMANDS[mutation]
    query = f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ userErrors {{ code }} }} }}"
    variables = {"i": {"taskId": task["id"], "expectedVersion": task["version"], **fields}}
    for login in READERS_WITHOUT_RIGHT:
        assert error_codes(await api.run(query, variables, as_user=login)) == ["FORBIDDEN"], login
    for login in OUTSIDERS:
        body = await api.run(query, variables, as_user=login)
        assert [e["code"] for e in body["data"][mutation]["userErrors"]] == ["NOT_FOUND"], login
    unchanged = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { status version } } }",
        {"id": task["id"]},
        as_user="east.planner",
    )
    assert unchanged["node"] == {"status": "DRAFT", "version": 1}


@pytest.mark.parametrize("login", ["east.planner", "hq.reviewer", "agency.de.inspector", "lab.east1", "ent.E001"])
async def test_sampling_schemes_are_hq_planners_only(api, login):
    body = await api.run(
        "mutation($i: SamplingSchemeInput!) { upsertSamplingScheme(input: $i) { userErrors { code } } }",
        {
            "i": {
                "productCategory": "C01",
                "title": "t",
                "testItems": ["a"],
                "sampleQuantity": 1,
                "sites": ["FACTORY"],
                "reason": "r",
            }
        },
        as_user=login,
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_only_the_team_starts_and_the_executing_side_reports(api):
    task = ok(await issue(api, ok(await create(api, "E004", as_user="east.planner")), as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    body = await api.run(
        "mutation($i: TaskActionInput!) { startTask(input: $i) { userErrors { code } } }",
        {"i": {"taskId": task["id"], "expectedVersion": task["version"]}},
        as_user="east.inspector2",
    )
    assert error_codes(body) == ["FORBIDDEN"]
    delegated = ok(await create(api, "D001", as_user="hq.planner"))
    delegated = ok(
        await act(
            api,
            "delegateTask",
            "DelegateTaskInput",
            delegated,
            as_user="hq.planner",
            agencyCode="agency-de",
            reason="partner",
        )
    )
    body = await api.run(
        "mutation($i: ReportTaskExceptionInput!) { reportTaskException(input: $i) { userErrors { code } } }",
        {"i": {"taskId": delegated["id"], "expectedVersion": delegated["version"], "reason": "OTHER", "details": "x"}},
        as_user="east.inspector1",
    )
    assert [e["code"] for e in body["data"]["reportTaskException"]["userErrors"]] == ["NOT_FOUND"]  # not even visible
