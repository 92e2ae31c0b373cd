"""GraphQL subscriptions against real `surveil serve` processes over one PostgreSQL world and
one Redis namespace (issue G): an event caused on process A reaches a websocket client on
process B, authorized for that client at delivery time."""

from __future__ import annotations

import pytest

from domain.notices import NoticeKind as K
from tests.api.tasks_support import act, assign, create, issue, ok, start
from tests.live.live_support import RemoteApi, live, subscribed, token_of

TASK = "subscription($id: ID!) { taskChanged(id: $id) { id status version startedAt team { login } } }"
NOTICES = "subscription { notificationReceived { kind subjectType subjectId title language } }"
MY_WORK = "subscription { myWorkChanged { taskId change reasons task { id status } } }"
ASSIGN = """mutation($input: RoleAssignmentInput!) { assignRole(input: $input) { userErrors { code } } }"""
REVOKE = """mutation($input: RoleAssignmentInput!) { revokeRole(input: $input) { userErrors { code } } }"""


async def at_version(client, op_id: str, version: int) -> dict:
    """The task as `taskChanged` delivers it at `version` (earlier ones: answers to the probes)."""
    while True:
        message = await client.next_of(op_id)
        assert message["type"] == "next", message
        task = message["payload"]["data"]["taskChanged"]
        if task["version"] == version:
            return task
        assert task["version"] < version, task


async def next_notice_about(client, subject_id: str) -> dict:
    while True:
        notice = (await client.next_of("notices"))["payload"]["data"]["notificationReceived"]
        if notice["subjectId"] == subject_id:
            return notice


@pytest.fixture
def a(deployment):
    return RemoteApi(deployment, deployment.servers[0])


@pytest.fixture
def b(deployment):
    return deployment.servers[1]


async def test_a_change_on_process_a_reaches_a_subscriber_on_process_b(deployment, a, b):
    planner, leader = "east.planner", "east.inspector1"
    task = ok(
        await issue(
            a, ok(await create(a, "E003", as_user=planner, window=("2026-12-14", "2026-12-16"))), as_user=planner
        )
    )
    async with live(b, await token_of(deployment.database_url, leader)) as client:
        await client.subscribe("notices", NOTICES)
        await client.subscribe("mine", MY_WORK)
        await client.subscribe("task", TASK, {"id": task["id"]})
        await subscribed(deployment, client, "task", task["id"])
        assigned = ok(await assign(a, task, leader, as_user=planner))

        changed = await at_version(client, "task", assigned["version"])
        assert [m["login"] for m in changed["team"]] == [leader]
        mine = (await client.next_of("mine"))["payload"]["data"]["myWorkChanged"]
        assert mine == {"taskId": task["id"], "change": "ADDED", "reasons": ["TEAM"],
                        "task": {"id": task["id"], "status": assigned["status"]}}  # fmt: skip
        notice = await next_notice_about(client, task["id"])
        assert notice["kind"] == K.TEAM_ASSIGNED.value and notice["language"] == "en", notice


async def test_the_enterprise_hears_nothing_of_an_unannounced_task_until_it_starts(deployment, a, b):
    planner, leader, enterprise = "east.planner", "east.inspector1", "ent.E001"
    task = ok(await create(a, "E001", "ROUTINE_UNANNOUNCED", as_user=planner, withSampling=True))
    visible = ok(await issue(a, ok(await create(a, "E001", as_user=planner)), as_user=planner))  # pre-notified
    async with live(b, await token_of(deployment.database_url, enterprise)) as client:
        await client.subscribe("notices", NOTICES)
        await client.subscribe("mine", MY_WORK)
        await client.subscribe("task", TASK, {"id": task["id"]})
        await client.subscribe("probe", TASK, {"id": visible["id"]})
        await subscribed(deployment, client, "probe", visible["id"])
        # Connected throughout its life: scheduled, issued, staffed, rescheduled, then started.
        task = ok(await act(a, "scheduleTask", "ScheduleTaskInput", task, as_user=planner,
                            plannedStart="2026-12-02", plannedEnd="2026-12-04"))  # fmt: skip
        task = ok(await issue(a, task, as_user=planner))
        task = ok(await act(a, "scheduleTask", "ScheduleTaskInput", task, as_user=planner,
                            plannedStart="2026-12-03", plannedEnd="2026-12-05"))  # fmt: skip
        task = ok(await assign(a, task, leader, ["east.inspector2"], as_user=planner))
        started = ok(await start(a, task, as_user=leader))

        # The first thing the enterprise hears of the task is its start.
        first = (await client.next_of("task"))["payload"]["data"]["taskChanged"]
        assert first["version"] == started["version"] and first["startedAt"] is not None, first
        notice = await next_notice_about(client, task["id"])  # others: reminders, the pre-notified task
        assert notice["kind"] == K.LABS_DISCLOSED.value and notice["subjectId"] == task["id"], notice
        assert not client.inbox.get("mine")  # the enterprise has no work in an inspection


async def test_a_subscriber_whose_role_is_revoked_stops_receiving(deployment, a, b):
    planner, admin, covering = "east.planner", "hq.admin", "south.planner"
    b_api = RemoteApi(deployment, b)  # roles change on B, whose subscribers must follow at once
    role = {"login": covering, "role": "PLANNER", "unitCode": "east", "reason": "Covering for leave"}
    task = ok(await create(a, "E004", as_user=planner, window=("2026-12-21", "2026-12-23")))
    assert (await b_api.data(ASSIGN, {"input": role}, as_user=admin))["assignRole"]["userErrors"] == []

    def reschedule(task: dict, day: int):
        dates = {"plannedStart": f"2026-12-{day}", "plannedEnd": f"2026-12-{day + 1}"}
        return act(a, "scheduleTask", "ScheduleTaskInput", task, as_user=planner, **dates)

    async with (
        live(b, await token_of(deployment.database_url, covering)) as client,
        live(b, await token_of(deployment.database_url, planner)) as witness,
    ):
        await client.subscribe("task", TASK, {"id": task["id"]})
        assert (await subscribed(deployment, client, "task", task["id"]))["type"] == "next"  # they see it
        await witness.subscribe("task", TASK, {"id": task["id"]})
        await subscribed(deployment, witness, "task", task["id"])

        revoke = {**role, "reason": "Back from leave"}
        assert (await b_api.data(REVOKE, {"input": revoke}, as_user=admin))["revokeRole"]["userErrors"] == []
        hidden = ok(await reschedule(task, 24))
        heard = (await witness.next_of("task"))["payload"]["data"]["taskChanged"]
        assert heard["version"] == hidden["version"]  # B has handled the change: not for the revoked one

        assert (await b_api.data(ASSIGN, {"input": role}, as_user=admin))["assignRole"]["userErrors"] == []
        shown = ok(await reschedule(hidden, 26))
        versions = [task["version"]]  # probes of the subscriptions above show the task as it was
        while versions[-1] != shown["version"]:
            versions.append((await client.next_of("task"))["payload"]["data"]["taskChanged"]["version"])
        assert hidden["version"] not in versions  # the change made while revoked never came


async def test_my_work_says_when_a_task_leaves_it(deployment, a, b):
    planner, member = "east.planner", "east.inspector2"
    task = ok(await issue(a, ok(await create(a, "E005", as_user=planner, window=("2026-12-10", "2026-12-12"))),
                          as_user=planner))  # fmt: skip
    task = ok(await assign(a, task, member, as_user=planner))
    async with live(b, await token_of(deployment.database_url, member)) as client:
        await client.subscribe("mine", MY_WORK)
        await client.subscribe("task", TASK, {"id": task["id"]})
        await subscribed(deployment, client, "task", task["id"])
        ok(await assign(a, task, "east.inspector1", as_user=planner, reason="Rota changed"))
        while (change := (await client.next_of("mine"))["payload"]["data"]["myWorkChanged"])["change"] == "CHANGED":
            assert change["reasons"] == ["TEAM"]  # the probes: still theirs
        assert change == {"taskId": task["id"], "change": "REMOVED", "reasons": [], "task": None}
