"""Helpers for task tests: create, drive and read tasks through GraphQL as a given user; the
plan and list queries; upload a material to a task."""

import json

from tests.client import factory

TASK_FIELDS = """id kind status version year dueOn plannedStart plannedEnd overdue withSampling riskNotice
  notifiedAt startedAt requirements suspensionGround specialTrigger
  responsibleUnit { code } executingUnit { code } factory { code classification }
  certificates { number } team { login isLeader } aggregateStatus"""
RESULT = f"task {{ {TASK_FIELDS} }} userErrors {{ field message code }}"
PLAN = """mutation($i: GeneratePlanInput!) { generatePlan(input: $i) { createdCount
  tasks { kind status dueOn factory { code classification } responsibleUnit { code } } userErrors { code } } }"""
LIST = (
    "query($f: TaskFilter) { tasks(first: 100, filter: $f) { totalCount nodes { id kind status factory { code } } } }"
)
PDF = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF"
ATTACH = """mutation($i: AttachTaskMaterialInput!) { attachTaskMaterial(input: $i) {
  task { materials { id filename contentType size sha256 description uploadedBy downloadUrl } }
  userErrors { field code message } } }"""


async def certificate_ids(api, code: str, as_user: str = "hq.planner") -> list[str]:
    f = await factory(api, code, as_user=as_user)
    data = await api.data(
        "query($fid: ID!) { certificates(first: 10, filter: {factoryId: $fid}) { nodes { id status } } }",
        {"fid": f["id"]},
        as_user=as_user,
    )
    return [n["id"] for n in data["certificates"]["nodes"] if n["status"] in ("VALID", "SUSPENDED")]


async def create(api, code, kind="ROUTINE_NOTIFIED", *, as_user, window=("2026-12-01", "2026-12-03"), **extra):
    f = await factory(api, code, as_user="hq.planner")
    body = {
        "factoryId": f["id"], "kind": kind, "certificateIds": extra.pop("certs", None) or await certificate_ids(api, code),
        "dueOn": "2026-12-20", "plannedStart": window[0], "plannedEnd": window[1], **extra,
    }  # fmt: skip
    data = await api.data(
        f"mutation($i: CreateTaskInput!) {{ createTask(input: $i) {{ {RESULT} }} }}", {"i": body}, as_user=as_user
    )
    return data["createTask"]


async def act(api, mutation: str, input_type: str, task: dict, *, as_user: str, **fields) -> dict:
    """Run a task mutation with the task's id and current version; returns its payload."""
    body = {"taskId": task["id"], "expectedVersion": task["version"], **fields}
    data = await api.data(
        f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ {RESULT} }} }}", {"i": body}, as_user=as_user
    )
    return data[mutation]


async def issue(api, task, *, as_user):
    return await act(api, "issueTask", "TaskActionInput", task, as_user=as_user)


async def assign(api, task, leader, members=(), *, as_user, reason=None):
    return await act(
        api,
        "assignTeam",
        "AssignTeamInput",
        task,
        as_user=as_user,
        leaderLogin=leader,
        memberLogins=list(members),
        reason=reason,
    )


async def start(api, task, *, as_user):
    return await act(api, "startTask", "TaskActionInput", task, as_user=as_user)


async def get(api, task_id, *, as_user):
    data = await api.data(
        f"query($id: ID!) {{ node(id: $id) {{ ... on Task {{ {TASK_FIELDS} }} }} }}", {"id": task_id}, as_user=as_user
    )
    return data["node"]


def ok(payload):
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["task"]


def codes(payload):
    return [e["code"] for e in payload["userErrors"]]


async def upload(api, task_id, content: bytes, filename="report.pdf", content_type="application/pdf", *, as_user):
    operations = {
        "query": ATTACH,
        "variables": {"i": {"taskId": task_id, "file": None, "description": "Last year's report"}},
    }
    response = await api.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.i.file"]})},
        files={"0": (filename, content, content_type)},
        headers={"authorization": f"Bearer {await api.token(as_user)}"},
    )
    return response
