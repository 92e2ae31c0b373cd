"""Every mutation takes an idempotencyKey: a retried request changes nothing and returns the
first answer, on both databases, for a burst of identical requests too."""

from __future__ import annotations

import asyncio
import uuid

from graphql import get_named_type

from server.graphql import build_schema
from store.models import AuditEntry, SurveillanceTask
from tests.api.tasks_support import RESULT, assign, certificate_ids, create, issue, ok
from tests.client import error_codes, factory

CREATE = f"mutation($i: CreateTaskInput!) {{ createTask(input: $i) {{ {RESULT} }} }}"
START = f"mutation($i: TaskActionInput!) {{ startTask(input: $i) {{ {RESULT} }} }}"
RULE = """mutation($i: FrequencyRuleInput!) { updateFrequencyRule(input: $i) {
  rule { classification intervalMonths unannounced version } userErrors { field code } } }"""
PLAN = """mutation($i: GeneratePlanInput!) { generatePlan(input: $i) { createdCount tasks { id }
  userErrors { code } } }"""
ROLE = """mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { login role { role unitCode }
  userErrors { code } } }"""


def test_every_mutation_accepts_an_idempotency_key():
    schema = build_schema()._schema
    for name, field in schema.mutation_type.fields.items():
        inputs = [get_named_type(a.type) for a in field.args.values()]
        assert any("idempotencyKey" in t.fields for t in inputs), name


async def _create_input(api, key: str, **extra) -> dict:
    f = await factory(api, "E003", as_user="east.planner")
    return {
        "factoryId": f["id"], "kind": "ROUTINE_NOTIFIED", "certificateIds": await certificate_ids(api, "E003"),
        "dueOn": "2026-12-20", "plannedStart": "2026-12-09", "plannedEnd": "2026-12-10", "idempotencyKey": key,
        **extra,
    }  # fmt: skip


async def _tasks_of_e003() -> int:
    return await SurveillanceTask.filter(factory__code="E003").count()


async def test_a_burst_of_identical_creates_makes_one_task(api):
    before = await _tasks_of_e003()
    body = await _create_input(api, str(uuid.uuid4()))
    await api.token("east.planner")
    first = ok((await api.data(CREATE, {"i": body}, as_user="east.planner"))["createTask"])
    sequential = [(await api.data(CREATE, {"i": body}, as_user="east.planner"))["createTask"] for _ in range(2)]
    burst = await asyncio.gather(*(api.data(CREATE, {"i": body}, as_user="east.planner") for _ in range(5)))
    answers = [ok(p) for p in sequential] + [ok(b["createTask"]) for b in burst]
    assert {a["id"] for a in answers} == {first["id"]}
    assert await _tasks_of_e003() == before + 1
    assert await AuditEntry.filter(action="task.create").count() == 1


async def test_concurrent_first_attempts_make_one_task(api):
    before = await _tasks_of_e003()
    body = await _create_input(api, str(uuid.uuid4()))
    await api.token("east.planner")
    burst = await asyncio.gather(*(api.data(CREATE, {"i": body}, as_user="east.planner") for _ in range(5)))
    assert len({ok(b["createTask"])["id"] for b in burst}) == 1
    assert await _tasks_of_e003() == before + 1


async def test_the_same_key_with_other_input_is_a_conflict(api):
    key = str(uuid.uuid4())
    ok((await api.data(CREATE, {"i": await _create_input(api, key)}, as_user="east.planner"))["createTask"])
    other = await _create_input(api, key, plannedEnd="2026-12-11")
    refused = (await api.data(CREATE, {"i": other}, as_user="east.planner"))["createTask"]
    assert [e["code"] for e in refused["userErrors"]] == ["CONFLICT"] and refused["task"] is None


async def test_a_refused_request_keeps_nothing_so_its_corrected_retry_runs(api):
    key = str(uuid.uuid4())
    wrong = await _create_input(api, key, plannedStart="2026-12-12", plannedEnd="2026-12-10")  # ends first
    refused = (await api.data(CREATE, {"i": wrong}, as_user="east.planner"))["createTask"]
    assert refused["userErrors"] and refused["task"] is None
    fixed = await api.data(CREATE, {"i": wrong | {"plannedStart": "2026-12-09"}}, as_user="east.planner")
    assert ok(fixed["createTask"])["id"]


async def test_a_retried_start_by_the_team_changes_nothing(api):
    task = ok(await create(api, "E004", as_user="east.planner"))
    task = ok(await issue(api, task, as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    body = {"i": {"taskId": task["id"], "expectedVersion": task["version"], "idempotencyKey": "start-E004"}}
    first = ok((await api.data(START, body, as_user="east.inspector1"))["startTask"])
    again = ok((await api.data(START, body, as_user="east.inspector1"))["startTask"])
    assert again["status"] == first["status"] == "IN_PROGRESS" and again["version"] == first["version"]
    assert await AuditEntry.filter(action="task.start").count() == 1
    # Another user's key is their own: the same key from someone else is a new request.
    other = await api.run(START, body, as_user="east.inspector2")
    assert error_codes(other) == ["FORBIDDEN"]


async def test_a_replay_rechecks_access(api):
    task = ok(await create(api, "E005", as_user="east.planner", idempotencyKey="mine"))
    assert task["id"]
    revoke = {"login": "east.planner", "role": "PLANNER", "unitCode": "east", "reason": "Left the unit"}
    await api.data(
        "mutation($i: RoleAssignmentInput!) { revokeRole(input: $i) { userErrors { code } } }",
        {"i": revoke},
        as_user="hq.admin",
    )
    replay = await api.run(CREATE, {"i": await _create_input_for(api, "E005", "mine")}, as_user="east.planner")
    payload = replay["data"]["createTask"]
    assert payload["task"] is None and [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"], replay


async def _create_input_for(api, code: str, key: str) -> dict:
    f = await factory(api, code, as_user="hq.planner")
    return {
        "factoryId": f["id"], "kind": "ROUTINE_NOTIFIED", "certificateIds": await certificate_ids(api, code),
        "dueOn": "2026-12-20", "plannedStart": "2026-12-01", "plannedEnd": "2026-12-03", "idempotencyKey": key,
    }  # fmt: skip


async def test_value_payloads_replay_their_first_answer(api):
    rule = {"classification": "C", "expectedVersion": 1, "intervalMonths": 9, "unannounced": True,
            "sampling": False, "reason": "Quarterly review", "idempotencyKey": "rule-C"}  # fmt: skip
    first = (await api.data(RULE, {"i": rule}, as_user="hq.planner"))["updateFrequencyRule"]
    again = (await api.data(RULE, {"i": rule}, as_user="hq.planner"))["updateFrequencyRule"]
    assert first == again and first["rule"]["version"] == 2  # not STALE_VERSION: the first answer

    role = {"login": "east.inspector2", "role": "PLANNER", "unitCode": "east", "reason": "Cover", "idempotencyKey": "r"}
    assigned = (await api.data(ROLE, {"i": role}, as_user="hq.admin"))["assignRole"]
    assert (await api.data(ROLE, {"i": role}, as_user="hq.admin"))["assignRole"] == assigned
    assert assigned["role"] == {"role": "PLANNER", "unitCode": "east"}

    plan = {"unitCode": "east", "year": 2027, "idempotencyKey": "plan-2027"}
    drafted = (await api.data(PLAN, {"i": plan}, as_user="east.planner"))["generatePlan"]
    assert drafted["createdCount"] > 0
    assert (await api.data(PLAN, {"i": plan}, as_user="east.planner"))["generatePlan"] == drafted
