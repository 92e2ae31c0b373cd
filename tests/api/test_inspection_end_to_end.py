"""The README's walk-through ("The inspection itself"), played through GraphQL only on the test
world (the demo's reference data and clauses; the task staffed as the demo's E002 one is), issue
13 D's "Done when": an East inspection from its drawn checklist to an archived file made of
generated and confirmed forms, as the planner, the team, the enterprise, the reviewer, the
decider and the archivist do it."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from tests.api.archive_support import ARCHIVE, attach
from tests.api.checklist_support import PNG, add_item, answer, checklist
from tests.api.corrective_support import TASK, VERIFY, correction_payload, first_finding, send_correction
from tests.api.forms_support import confirm, download, forms_of
from tests.api.results_support import decide, mutate, review, submit
from tests.api.tasks_support import PDF, assign, create, get, issue, ok, start
from tests.services.forms_support import pdf_text, shows

LEADER, MEMBER, ENTERPRISE = "east.inspector1", "east.inspector2", "ent.E002"
MY_TASKS = """query { tasks(first: 50, filter: {status: TEAM_ASSIGNED}) {
  nodes { id number version factory { code } team { login isLeader } } } }"""
TEAM_VIEW = """query($id: ID!) { node(id: $id) { ... on Task { status checklist { id note }
  result { nonconformities { id clause description } } } } }"""
NC_ITEM, NA_ITEM = "03", "10"
TAKEN = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
GPS = {"capturedAt": TAKEN.isoformat(), "latitude": 31.5689, "longitude": 120.2991}


async def test_an_east_inspection_from_its_checklist_to_the_archive(api):
    # The planner staffs E002's inspection as the demo does (server/demo_tasks.py); the leader
    # finds it among the staffed tasks; the planner adds a task-specific item before it starts.
    staffed = ok(await issue(api, ok(await create(api, "E002", as_user="east.planner")), as_user="east.planner"))
    ok(await assign(api, staffed, LEADER, [MEMBER], as_user="east.planner"))
    nodes = (await api.data(MY_TASKS, as_user=LEADER))["tasks"]["nodes"]
    (task,) = [t for t in nodes if t["factory"]["code"] == "E002"]
    number = task["number"]
    added = await add_item(api, task, "T-1", as_user="east.planner")
    assert added["userErrors"] == [], added["userErrors"]
    assert added["item"]["source"] == "TASK"
    task = ok(await start(api, await get(api, task["id"], as_user=LEADER), as_user=LEADER))
    assert task["status"] == "IN_PROGRESS"

    # The team answers every item: one non-conformity with a located photo, one not applicable.
    items = await checklist(api, task["id"], as_user=LEADER)
    assert {NC_ITEM, NA_ITEM, "T-1"} <= {i["code"] for i in items} and all(i["answer"] is None for i in items)
    for n, item in enumerate(items):
        if item["code"] == NC_ITEM:
            done = await answer(api, item, "NONCONFORMITY", as_user=MEMBER, severity="GENERAL",
                                description="Two critical components bought from an unlisted supplier",
                                note="Buyer says the list is being updated",
                                files=[(PNG, "supplier-invoice.png", "image/png", GPS)])  # fmt: skip
            assert done["userErrors"] == [], done["userErrors"]
            (evidence,) = done["item"]["evidence"]
            assert (evidence["latitude"], evidence["longitude"]) == (GPS["latitude"], GPS["longitude"])
            assert datetime.fromisoformat(evidence["capturedAt"]) == TAKEN
        elif item["code"] == NA_ITEM:
            done = await answer(api, item, "NOT_APPLICABLE", as_user=LEADER, reason="No product changes this year")
        else:
            done = await answer(api, item, as_user=MEMBER if n % 2 else LEADER)
        assert done["userErrors"] == [], (item["code"], done["userErrors"])

    # The enterprise sees the task started, never its checklist or notes.
    before = (await api.data(TEAM_VIEW, {"id": task["id"]}, as_user=ENTERPRISE))["node"]
    assert before["status"] == "IN_PROGRESS" and not before["checklist"]

    # The leader submits a pass after correction; the finding is the non-conforming item's.
    task = ok(await submit(api, await get(api, task["id"], as_user=LEADER), "PASS_AFTER_CORRECTION",
                           summary="One purchasing finding", answer=False))  # fmt: skip
    (finding,) = task["result"]["nonconformities"]
    assert (finding["clause"], finding["severity"]) == (NC_ITEM, "GENERAL")
    seen = (await api.data(TEAM_VIEW, {"id": task["id"]}, as_user=ENTERPRISE))["node"]
    assert not seen["checklist"] and [n["id"] for n in seen["result"]["nonconformities"]] == [finding["id"]]
    assert "Buyer says" not in json.dumps(seen)

    # The enterprise answers with its corrective action; the leader verifies it closed in writing.
    files = [("supplier-list-2026.pdf", PDF, "application/pdf")]
    sent = correction_payload(await send_correction(api, finding["id"], files=files, as_user=ENTERPRISE,
                                                    description="Supplier added to the approved list; lots re-inspected"))  # fmt: skip
    assert first_finding(sent)["currentCorrectiveAction"]["number"] == 1
    shown = (await api.data(TASK, {"id": task["id"]}, as_user=LEADER))["node"]["result"]["nonconformities"][0]
    assert shown["currentCorrectiveAction"]["evidence"][0]["filename"] == "supplier-list-2026.pdf"
    verify = {"nonconformityId": finding["id"], "method": "WRITTEN", "closed": True,
              "correctiveAction": "Approved supplier list and re-inspection records checked"}  # fmt: skip
    assert (await api.data(VERIFY, {"i": verify}, as_user=LEADER))["verifyCorrection"]["userErrors"] == []

    # The reviewer agrees, the decider maintains, the leader accounts the person-days.
    task = ok(await review(api, await get(api, task["id"], as_user=LEADER)))
    task = ok(await decide(api, task, "MAINTAIN"))
    assert task["result"]["effectiveConclusion"] == "PASS_AFTER_CORRECTION"
    days = {"taskId": task["id"], "expectedVersion": task["version"],
            "entries": [{"login": LEADER, "days": 1.5}, {"login": MEMBER, "days": 1.5}]}  # fmt: skip
    ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput", days, as_user=LEADER))

    # The record form shows every item and its answer.
    record = await download(api, task["id"], "INSPECTION_RECORD", as_user=LEADER)
    assert record.status_code == 200
    text = pdf_text(record.content)
    assert shows(text, "工厂检查记录表", "0402.06", number, "E002", *(i["code"] for i in items)) == []
    assert shows(text, "不符合 Non-conformity", "不适用 Not applicable", "符合 Conforms") == []
    assert shows(text, "unlisted supplier", "No product changes this year") == []
    assert "未答" not in text

    # The leader confirms the generated forms; the signed NC report (not generated) is uploaded.
    forms = await forms_of(api, task["id"], as_user=LEADER)
    assert set(forms) - {"_task"} == {"INSPECTION_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"}
    assert forms["_task"]["completeness"]["missing"] == [
        "INSPECTION_REPORT", "NC_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"
    ]  # fmt: skip
    for form in ("INSPECTION_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"):
        done = (await confirm(api, task["id"], form, forms[form]["dataVersion"], as_user=LEADER))["data"]
        assert done["confirmGeneratedForm"]["userErrors"] == [], form
    assert done["confirmGeneratedForm"]["task"]["completeness"]["missing"] == ["NC_REPORT"]
    filed = await attach(api, task["id"], "NC_REPORT", as_user=LEADER)
    assert filed["userErrors"] == [] and filed["task"]["completeness"]["complete"] is True

    # The archivist archives; the bundle holds the confirmed forms.
    body = {"taskId": task["id"], "expectedVersion": filed["task"]["version"]}
    archived = (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert archived["userErrors"] == [] and archived["task"]["status"] == "ARCHIVED"
    confirmed = {
        f["confirmed"]["document"]["sha256"] for k, f in (await forms_of(api, task["id"])).items() if k != "_task"
    }
    headers = {"authorization": f"Bearer {await api.token('east.archivist')}"}
    bundle = await api.http.get(f"/archive/{task['id']}.zip", headers=headers)
    assert bundle.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert len(confirmed) == 3 and confirmed <= {f["sha256"] for f in manifest["files"]}
