"""任务编号 through GraphQL (docs/domain.md, Task numbers): EAST-2026-0042, counted per
responsible unit and year, sub-tasks after their parent, kept through rerouting, delegation and
conversion; found by `taskByNumber` and the tasks filter exactly where the task is visible; shown
on purchase work and problem reports; accepted by `surveil archive export`.

The test world has no tasks when a test starts, so every unit's sequence starts at 1."""

import asyncio
import io
import json
import os
import subprocess
import sys
import zipfile

from tests.api.archive_support import FILE_PROBLEM, documents_in_tmp_settings  # noqa: F401
from tests.api.purchase_support import assign_buyer, purchase_task
from tests.api.tasks_support import act, assign, create, issue, ok, start
from tests.api.test_archive import _archived
from tests.api.test_task_delegation_relocation import delegated, move
from tests.client import error_codes

NUMBER = "query($id: ID!) { node(id: $id) { ... on Task { number responsibleUnit { code } } } }"
BY_NUMBER = "query($n: String!) { taskByNumber(number: $n) { id number status } }"
SEARCH = "query($f: TaskFilter) { tasks(first: 100, filter: $f) { totalCount nodes { id number } } }"
SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) {
  task { number } children { id number } userErrors { code } } }"""
CHILDREN = "query($id: ID!) { node(id: $id) { ... on Task { number children { kind number } } } }"


async def number(api, task: dict, as_user: str = "hq.planner") -> str:
    return (await api.data(NUMBER, {"id": task["id"]}, as_user=as_user))["node"]["number"]


async def search(api, text: str, as_user: str) -> list[str]:
    found = (await api.data(SEARCH, {"f": {"number": text}}, as_user=as_user))["tasks"]
    assert found["totalCount"] == len(found["nodes"])
    return sorted(n["number"] for n in found["nodes"])


async def test_numbers_count_per_responsible_unit_and_year(api):
    east = [ok(await create(api, code, as_user="east.planner")) for code in ("E001", "E002")]
    next_year = ok(await create(api, "E003", as_user="east.planner", dueOn="2027-03-31"))
    south = ok(await create(api, "S001", as_user="south.planner"))
    overseas = ok(await create(api, "D001", as_user="hq.planner"))
    assert [await number(api, t) for t in (*east, next_year, south, overseas)] == [
        "EAST-2026-0001",
        "EAST-2026-0002",
        "EAST-2027-0001",
        "SOUTH-2026-0001",
        "HQ-2026-0001",
    ]
    # A yearly plan takes the next numbers of its unit and year, one per draft, none twice.
    plan = 'mutation { generatePlan(input: {unitCode: "east", year: 2026}) { tasks { number } userErrors { code } } }'
    drafted = [t["number"] for t in (await api.data(plan, as_user="east.planner"))["generatePlan"]["tasks"]]
    assert drafted == [f"EAST-2026-{n:04d}" for n in range(3, 3 + len(drafted))] and len(drafted) >= 10
    # What the creation recorded names it too.
    trail = "query($id: ID!) { auditTrail(objectId: $id, first: 5) { nodes { action after } } }"
    records = (await api.data(trail, {"id": east[0]["id"]}, as_user="hq.auditor"))["auditTrail"]["nodes"]
    assert [r["after"]["number"] for r in records if r["action"] == "task.create"] == ["EAST-2026-0001"]


async def test_concurrent_creations_get_distinct_consecutive_numbers(api):
    """Two planners (and more) creating at once: the counter hands out each number once."""
    creators = ["east.planner", "hq.planner"] * 4
    made = await asyncio.gather(*(create(api, "E004", "SPECIAL", as_user=who, specialTrigger="COMPLAINT",
                                         triggerDetails=f"complaint {n}") for n, who in enumerate(creators)))  # fmt: skip
    numbers = sorted([await number(api, ok(t)) for t in made])
    assert numbers == [f"EAST-2026-{n:04d}" for n in range(1, 9)]


async def test_sub_tasks_take_the_units_next_numbers(api):
    """Not the parent's number with a suffix: that would tell the enterprise of parts it may not
    see (tests/security/test_task_numbers_attack.py)."""
    parent = ok(await create(api, "E002", as_user="east.planner"))
    body = {"taskId": parent["id"], "expectedVersion": parent["version"], "reason": "Separate the sampling",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}]}  # fmt: skip
    split = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert split["userErrors"] == [] and split["task"]["number"] == "EAST-2026-0001"
    assert [c["number"] for c in split["children"]] == ["EAST-2026-0002", "EAST-2026-0003"]
    # A relocation issued with its sampling: the sampling sub-task is numbered when it is made.
    relocation = ok(await create(api, "E005", "RELOCATION", as_user="east.planner", withSampling=True))
    ok(await issue(api, relocation, as_user="east.planner"))
    detail = (await api.data(CHILDREN, {"id": relocation["id"]}, as_user="east.planner"))["node"]
    assert detail == {"number": "EAST-2026-0004", "children": [{"kind": "SAMPLING", "number": "EAST-2026-0005"}]}
    assert await number(api, ok(await create(api, "E006", as_user="east.planner"))) == "EAST-2026-0006"


async def test_rerouting_delegation_and_conversion_keep_the_number(api):
    task = await delegated(api, "D001")
    assert await number(api, task) == "HQ-2026-0001"
    await move(api, "D001", country="CN", province="Jiangsu", address="8 Xinghu St, Suzhou")
    assert (await api.data(NUMBER, {"id": task["id"]}, as_user="east.planner"))["node"] == {
        "number": "HQ-2026-0001", "responsibleUnit": {"code": "east"}
    }  # fmt: skip
    # East's own next number is still its first: the moved task kept HQ's.
    assert await number(api, ok(await create(api, "E001", as_user="east.planner"))) == "EAST-2026-0001"

    converted = ok(await issue(api, ok(await create(api, "E009", as_user="east.planner")), as_user="east.planner"))
    converted = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", converted,
                             as_user="east.inspector2", reason="PRODUCTION_STOPPED", details="Seasonal stop"))  # fmt: skip
    converted = ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", converted, as_user="hq.planner",
                             handling="CONVERT_TO_SPECIAL", note="Inspect when production resumes"))  # fmt: skip
    assert converted["kind"] == "SPECIAL" and await number(api, converted) == "EAST-2026-0002"


async def test_the_number_search_is_partial_case_blind_and_scoped(api):
    for code in ("E001", "E002"):
        ok(await create(api, code, as_user="east.planner"))
    ok(await create(api, "S001", as_user="south.planner"))
    assert await search(api, "0002", as_user="east.planner") == ["EAST-2026-0002"]
    assert await search(api, " east-2026 ", as_user="hq.planner") == ["EAST-2026-0001", "EAST-2026-0002"]
    assert await search(api, "2026-000", as_user="hq.planner") == [
        "EAST-2026-0001",
        "EAST-2026-0002",
        "SOUTH-2026-0001",
    ]
    assert await search(api, "EAST", as_user="south.planner") == []  # not theirs to see
    assert await search(api, "2026-000", as_user="south.planner") == ["SOUTH-2026-0001"]
    for wildcard in ("%", "_", "EAST%0001"):  # LIKE's wildcards are plain characters here
        assert await search(api, wildcard, as_user="hq.planner") == []
    assert await search(api, "", as_user="hq.planner") == ["EAST-2026-0001", "EAST-2026-0002", "SOUTH-2026-0001"]
    too_long = await api.run(SEARCH, {"f": {"number": "E" * 65}}, as_user="hq.planner")
    assert error_codes(too_long) == ["BAD_USER_INPUT"]


async def test_task_by_number_shows_an_unannounced_task_to_its_enterprise_only_once_started(api):
    task = ok(await issue(api, ok(await create(api, "E003", "ROUTINE_UNANNOUNCED", as_user="east.planner")),
                          as_user="east.planner"))  # fmt: skip
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    assert await number(api, task) == "EAST-2026-0001"
    own = await api.data(BY_NUMBER, {"n": "east-2026-0001"}, as_user="east.planner")
    assert own["taskByNumber"] == {"id": task["id"], "number": "EAST-2026-0001", "status": "TEAM_ASSIGNED"}

    missing = await api.run(BY_NUMBER, {"n": "EAST-2026-0999"}, as_user="ent.E003")
    outsiders = ("ent.E003", "ent.E002", "south.planner", "agency.de.inspector", "lab.east1", "buyer.east")
    for login in outsiders:  # not yet the enterprise's to see: exactly like a number nobody has
        assert await api.run(BY_NUMBER, {"n": "EAST-2026-0001"}, as_user=login) == missing, login
        listed = await api.run(SEARCH, {"f": {"number": "0001"}}, as_user=login)
        assert "EAST-2026-0001" not in json.dumps(listed) and "errors" not in listed, login

    ok(await start(api, task, as_user="east.inspector1"))
    seen = (await api.data(BY_NUMBER, {"n": "EAST-2026-0001"}, as_user="ent.E003"))["taskByNumber"]
    assert seen == {"id": task["id"], "number": "EAST-2026-0001", "status": "IN_PROGRESS"}
    assert await search(api, "0001", as_user="ent.E003") == ["EAST-2026-0001"]
    for login in outsiders[1:]:  # another enterprise, another unit, an agency, a lab, a buyer: still nothing
        assert await api.run(BY_NUMBER, {"n": "EAST-2026-0001"}, as_user=login) == missing, login
    assert error_codes(await api.run(BY_NUMBER, {"n": "x" * 65}, as_user="ent.E003")) == ["BAD_USER_INPUT"]
    assert (await api.data(BY_NUMBER, {"n": "  "}, as_user="hq.planner"))["taskByNumber"] is None


async def test_purchase_work_shows_its_task_number(api):
    task = await purchase_task(api)
    assert (await assign_buyer(api, task))["assignment"]["taskId"] == task["id"]
    work = "{ purchaseAssignments(first: 5) { nodes { taskId taskNumber } } }"
    mine = (await api.data(work, as_user="buyer.east"))["purchaseAssignments"]["nodes"]
    assert mine == [{"taskId": task["id"], "taskNumber": "EAST-2026-0001"}]


REPORTS = "{ problemReports(first: 50) { nodes { title taskIds taskNumbers } } }"


async def test_problem_reports_show_the_numbers_of_linked_tasks_the_viewer_may_see(api):
    tasks = [ok(await create(api, code, as_user="east.planner")) for code in ("E001", "E006")]
    body = {"category": "RULES", "title": "Two tasks", "description": "Both", "taskIds": [t["id"] for t in tasks]}
    assert (await api.data(FILE_PROBLEM, {"i": body}, as_user="east.planner"))["fileProblemReport"]["userErrors"] == []
    report = {"title": "Two tasks", "taskIds": body["taskIds"], "taskNumbers": ["EAST-2026-0001", "EAST-2026-0002"]}
    assert (await api.data(REPORTS, as_user="east.reviewer"))["problemReports"]["nodes"] == [report]
    # E006 moves to South: East keeps its report but no longer sees that task, nor its number.
    await move(api, "E006", province="Guangdong", address="1 New Rd, Guangzhou")
    nodes = (await api.data(REPORTS, as_user="east.reviewer"))["problemReports"]["nodes"]
    assert nodes == [{**report, "taskNumbers": ["EAST-2026-0001", None]}]
    assert (await api.data(REPORTS, as_user="hq.auditor"))["problemReports"]["nodes"] == [report]


async def test_problem_report_numbers_load_in_constant_queries(api):
    async def statements() -> int:
        await api.data(REPORTS, as_user="hq.planner")
        with api.count_queries() as counter:
            await api.data(REPORTS, as_user="hq.planner")
        return len([s for s in counter.statements if "policy" not in s.lower()])

    async def file(n: int) -> None:
        task = ok(await create(api, f"E00{n}", as_user="east.planner"))
        body = {"category": "PROCEDURE", "title": f"P{n}", "description": "d", "taskIds": [task["id"]]}
        assert (await api.data(FILE_PROBLEM, {"i": body}, as_user="east.planner"))["fileProblemReport"][
            "userErrors"
        ] == []

    await file(1)
    one = await statements()
    for n in (2, 3, 4):
        await file(n)
    assert await statements() == one


async def test_archive_export_by_number_from_the_command_line(api, settings, world_url, tmp_path):
    task = await _archived(api)
    archived = await number(api, task)
    headers = {"authorization": f"Bearer {await api.token('east.archivist')}"}
    download = await api.http.get(f"/archive/{task['id']}.zip", headers=headers)
    assert f'filename="task-{archived}-E001.zip"' in download.headers["content-disposition"]

    env = {**os.environ, "DATABASE_URL": world_url, "SURVEIL_DOCUMENT_DIR": settings.document_dir}
    cli = [sys.executable, "-m", "server.cli", "archive", "export"]
    out = tmp_path / "bundle.zip"
    done = subprocess.run([*cli, archived.lower(), "--out", str(out)], env=env, capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["task"]["number"] == archived
    unknown = subprocess.run([*cli, "EAST-1999-0001"], env=env, capture_output=True, text=True, check=False)
    assert unknown.returncode == 1 and "no task EAST-1999-0001" in unknown.stderr
