"""Clause checklists through GraphQL (issue 13, D): drawn when a factory inspection is issued,
task items added by the planner, answered by the team with evidence, required before the
result, and never shown to the enterprise."""

from datetime import UTC, datetime, timedelta

from server.demo_clauses import CONSISTENCY, GENERAL
from store.models import AuditEntry, ChecklistItem, SurveillanceClause, TaskCertificate
from tests.api.checklist_support import (
    ANSWER,
    CHECKLIST,
    PDF,
    PNG,
    add_item,
    answer,
    answer_checklist,
    checklist,
)
from tests.api.results_support import SERIOUS, running_task, submit
from tests.api.tasks_support import assign, create, issue, ok, start
from tests.client import error_codes

LEADER, MEMBER = "east.inspector1", "east.inspector2"
CLAUSE = """mutation($i: SurveillanceClauseInput!) { upsertSurveillanceClause(input: $i) {
  clause { code version focus titleEn textEn } userErrors { code field } } }"""
SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) { children { id kind } userErrors { code } } }"""
NC_QUERY = """query($id: ID!) { node(id: $id) { ... on Task { status checklist { code note }
  result { nonconformities { clause clauseTitle severity } } } } }"""


def _codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def _categories(task_id: str) -> set[str]:
    from schema.relay import from_global_id

    db = from_global_id(task_id)[1]
    rows = await TaskCertificate.filter(task_id=db).values_list("certificate__product_category__code", flat=True)
    return set(rows)


async def _issued(api, code="E001", kind="ROUTINE_NOTIFIED"):
    return ok(await issue(api, ok(await create(api, code, kind, as_user="east.planner")), as_user="east.planner"))


async def test_issue_draws_the_years_general_and_category_clauses_in_code_order(api):
    task = await _issued(api)
    items = await checklist(api, task["id"])
    expected = [g[0] for g in GENERAL] + sorted(c[0] for cat in await _categories(task["id"]) for c in CONSISTENCY[cat])
    assert [i["code"] for i in items] == expected
    assert {i["code"] for i in items if i["focus"]} == {g[0] for g in GENERAL if g[5]}
    first = items[0]
    assert (first["source"], first["clauseVersion"], first["answer"], first["titleEn"]) == (
        "CLAUSE", 1, None, "Responsibilities and resources"
    )  # fmt: skip
    draw = await AuditEntry.filter(action="checklist.draw").order_by("-seq").first()
    assert draw.after["items"] == len(items) and draw.after["year"] == 2026


async def test_sampling_tasks_and_drafts_have_no_checklist(api):
    draft = ok(await create(api, "E001", as_user="east.planner"))
    assert await checklist(api, draft["id"]) == []
    sampling = await _issued(api, "E002", "SAMPLING")
    assert await checklist(api, sampling["id"]) == []


async def test_a_split_container_hands_its_checklist_to_its_inspection_part(api):
    task = await _issued(api)
    assert await checklist(api, task["id"])
    body = {"taskId": task["id"], "expectedVersion": task["version"], "reason": "Separate the sampling",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}]}  # fmt: skip
    done = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert done["userErrors"] == []
    assert await checklist(api, task["id"]) == []
    assert await AuditEntry.filter(action="checklist.withdraw").count() == 1
    kinds = {c["kind"]: c for c in done["children"]}
    assert len(await checklist(api, kinds["ROUTINE_NOTIFIED"]["id"])) > 11
    assert await checklist(api, kinds["SAMPLING"]["id"]) == []


async def test_planner_adds_task_items_before_the_start_only(api):
    task = await _issued(api)
    added = await add_item(api, task)
    assert added["userErrors"] == [] and added["item"]["source"] == "TASK" and added["item"]["code"] == "T-1"
    task = added["task"] | {"version": added["task"]["version"]}
    assert _codes(await add_item(api, task)) == ["CONFLICT"]  # the code is taken
    assert error_codes(await api.run(_add_query(), {"i": _add_body(task, "T-2")}, as_user=LEADER)) == ["FORBIDDEN"]
    foreign = await api.data(_add_query(), {"i": _add_body(task, "T-2")}, as_user="south.planner")
    assert _codes(foreign["addChecklistItem"]) == ["NOT_FOUND"]
    full = await _get_task(api, task["id"])
    task = ok(await assign(api, full, LEADER, as_user="east.planner"))
    task = ok(await start(api, task, as_user=LEADER))
    assert _codes(await add_item(api, task, "T-3")) == ["CONFLICT"]
    assert (await checklist(api, task["id"]))[-1]["code"] == "T-1"


def _add_query():
    from tests.api.checklist_support import ADD

    return ADD


def _add_body(task, code):
    return {"taskId": task["id"], "expectedVersion": task["version"], "code": code, "title": "x", "text": "y"}


async def _get_task(api, task_id):
    from tests.api.tasks_support import get

    return await get(api, task_id, as_user="east.planner")


async def test_each_answer_kind_needs_its_parts(api):
    task = await running_task(api, members=[MEMBER])
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    cases = [
        ("NONCONFORMITY", {"description": "x"}, "severity"),
        ("NONCONFORMITY", {"severity": "GENERAL"}, "description"),
        ("NOT_APPLICABLE", {}, "reason"),
        ("CONFORMS", {"severity": "GENERAL"}, "severity"),
        ("CONFORMS", {"description": "x"}, "description"),
        ("CONFORMS", {"reason": "x"}, "reason"),
    ]
    for kind, fields, field in cases:
        done = await answer(api, item, kind, as_user=LEADER, **fields)
        assert done["userErrors"][0]["field"][-1] == field, (kind, fields, done)
    done = await answer(api, item, "NOT_APPLICABLE", as_user=MEMBER, reason="No such process", note="Checked")
    assert done["userErrors"] == []
    assert (done["item"]["answer"], done["item"]["answeredBy"]["login"], done["item"]["version"]) == (
        "NOT_APPLICABLE", MEMBER, 2
    )  # fmt: skip


async def test_who_may_answer(api):
    task = await running_task(api)
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    assert error_codes(await api.run(ANSWER, _answer_body(item), as_user=MEMBER)) == ["FORBIDDEN"]  # not on the team
    assert error_codes(await api.run(ANSWER, _answer_body(item), as_user="east.planner")) == ["FORBIDDEN"]
    for outsider in ("south.inspector", "ent.E001", "agency.de.inspector"):
        body = await api.run(ANSWER, _answer_body(item), as_user=outsider)
        assert body["data"]["answerChecklistItem"]["userErrors"][0]["code"] == "NOT_FOUND", outsider
        assert body["data"]["answerChecklistItem"]["item"] is None
    assert (await ChecklistItem.get(id=_db(item["id"]))).answer is None


def _answer_body(item, answer="CONFORMS", **fields):
    return {"i": {"itemId": item["id"], "answer": answer, **fields}}


def _db(global_id):
    from schema.relay import from_global_id

    return from_global_id(global_id)[1]


async def test_not_in_progress_or_foreign_ids_change_nothing(api):
    task = await _issued(api)
    ok(await assign(api, await _get_task(api, task["id"]), LEADER, as_user="east.planner"))
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    assert _codes(await answer(api, item, as_user=LEADER)) == ["CONFLICT"]  # not started
    assert _codes(await answer(api, {"id": task["id"]}, as_user=LEADER)) == ["NOT_FOUND"]  # a task's id
    assert _codes(await answer(api, {"id": "not-an-id"}, as_user=LEADER)) == ["NOT_FOUND"]
    assert (await ChecklistItem.get(id=_db(item["id"]))).answer is None


async def test_replay_and_changing_an_answer(api):
    task = await running_task(api)
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    first = await answer(api, item, as_user=LEADER, idempotencyKey="k-1", note="ok")
    again = await answer(api, item, as_user=LEADER, idempotencyKey="k-1", note="ok")
    assert first == again and first["item"]["version"] == 2
    before = await AuditEntry.filter(action="checklist.answer").count()
    same = await answer(api, item, as_user=LEADER, note="ok")  # same content, no key: no change
    assert same["userErrors"] == [] and same["item"]["version"] == 2
    assert await AuditEntry.filter(action="checklist.answer").count() == before
    other = {"severity": "GENERAL", "description": "Records incomplete"}
    assert _codes(await answer(api, item, "NONCONFORMITY", as_user=LEADER, **other)) == ["CONFLICT"]
    stale = await answer(api, item, "NONCONFORMITY", as_user=LEADER, expectedVersion=1, **other)
    assert _codes(stale) == ["STALE_VERSION"]
    assert (await ChecklistItem.get(id=_db(item["id"]))).answer == "CONFORMS"
    changed = await answer(api, item, "NONCONFORMITY", as_user=LEADER, expectedVersion=2, **other)
    assert changed["item"]["answer"] == "NONCONFORMITY" and changed["item"]["version"] == 3
    record = await AuditEntry.filter(action="checklist.answer").order_by("-seq").first()
    assert record.before["answer"] == "CONFORMS" and record.after["answer"] == "NONCONFORMITY"


async def test_evidence_types_sizes_positions_and_times(api, app):
    task = await running_task(api)
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    now = datetime.now(UTC)
    good = {"capturedAt": now.isoformat(), "latitude": 31.2, "longitude": 121.5}
    done = await answer(
        api, item, as_user=LEADER, files=[(PNG, "a.png", "image/png", good), (PDF, "b.pdf", "application/pdf", {})]
    )
    assert done["userErrors"] == []
    evidence = done["item"]["evidence"]
    assert [e["document"]["contentType"] for e in evidence] == ["image/png", "application/pdf"]
    assert evidence[0]["latitude"] == 31.2 and evidence[1]["latitude"] is None
    bad_cases = [
        ((b"PK\x03\x04" + b"x" * 100, "a.docx", "application/octet-stream", {}), "file"),
        ((b"", "e.png", "image/png", {}), "file"),
        ((PNG, "a.png", "image/png", {"latitude": 91, "longitude": 0}), "latitude"),
        ((PNG, "a.png", "image/png", {"latitude": 10}), "latitude"),
        ((PNG, "a.png", "image/png", {"longitude": 181, "latitude": 0}), "longitude"),
        ((PNG, "a.png", "image/png", {"capturedAt": (now + timedelta(hours=1)).isoformat()}), "capturedAt"),
        ((PNG, "a.png", "image/png", {"capturedAt": (now - timedelta(days=31)).isoformat()}), "capturedAt"),
        ((PNG, "a.png", "image/png", {"capturedAt": "2026-11-30T10:00:00"}), "capturedAt"),
    ]
    for file, field in bad_cases:
        done = await answer(api, item, as_user=LEADER, files=[file])
        assert done["userErrors"] and done["userErrors"][0]["field"][-1] == field, (file[1:], done["userErrors"])
    too_many = await answer(api, item, as_user=LEADER, files=[(PNG, f"{n}.png", "image/png", {}) for n in range(11)])
    assert _codes(too_many) == ["INVALID"]
    kept = (await checklist(api, task["id"], as_user=LEADER))[0]
    assert len(kept["evidence"]) == 2 and kept["version"] == 2


async def test_submit_needs_every_item_and_concludes_on_the_answers(api):
    task = await running_task(api)
    refused = await submit(api, task, answer=False)
    assert _codes(refused) == ["REQUIRED"] and refused["userErrors"][0]["field"][1] == "checklist"
    assert str(len(await checklist(api, task["id"]))) in refused["userErrors"][0]["message"]
    await answer_checklist(api, task["id"], as_user=LEADER, nonconforming={"03": ("GENERAL", "Supplier list old")})
    assert _codes(await submit(api, task, "PASS")) == ["INVALID"]  # a non-conforming item is no pass
    assert _codes(await submit(api, task, "PASS_AFTER_CORRECTION", [SERIOUS])) == ["INVALID"]  # the union counts
    done = ok(await submit(api, task, "PASS_AFTER_CORRECTION"))
    assert [n["clause"] for n in done["result"]["nonconformities"]] == ["03"]


async def test_enterprise_sees_its_nonconformity_with_the_clause_never_the_checklist(api):
    task = await running_task(api)
    await answer(api, (await checklist(api, task["id"], as_user=LEADER))[0], as_user=LEADER, note="secret note")
    await answer_checklist(api, task["id"], as_user=LEADER, nonconforming={"09": ("SERIOUS", "Relay changed")})
    ok(await submit(api, task, "FAIL", [{"clause": "X-1", "severity": "GENERAL", "description": "Outside"}]))
    seen = (await api.data(NC_QUERY, {"id": task["id"]}, as_user="ent.E001"))["node"]
    assert seen["checklist"] == []
    assert {(n["clause"], n["clauseTitle"]) for n in seen["result"]["nonconformities"]} == {
        ("09", "认证产品的变更及一致性控制"), ("X-1", None)
    }  # fmt: skip
    body = await api.run(CHECKLIST, {"id": task["id"]}, as_user="ent.E001")
    assert "secret note" not in str(body)


async def test_clause_change_refreshes_unstarted_tasks_only(api):
    started = await running_task(api, "E001")
    waiting = await _issued(api, "E002")
    clause = await SurveillanceClause.get(year=2026, code="01")
    body = {"year": 2026, "code": "01", "title": "职责、资源和人员", "text": "新条款", "reason": "Yearly revision",
            "titleEn": "Responsibilities, resources and staff", "focus": True}  # fmt: skip
    done = (await api.data(CLAUSE, {"i": body}, as_user="hq.planner"))["upsertSurveillanceClause"]
    assert done["userErrors"] == [] and done["clause"]["version"] == clause.version + 1 and done["clause"]["focus"]
    kept = (await checklist(api, started["id"], as_user=LEADER))[0]
    fresh = (await checklist(api, waiting["id"]))[0]
    assert (kept["title"], kept["clauseVersion"]) == ("职责和资源", 1)
    assert (fresh["title"], fresh["clauseVersion"], fresh["focus"]) == ("职责、资源和人员", 2, True)
    assert await AuditEntry.filter(action="checklist.refresh").count() == 1


async def test_delegated_task_answered_by_the_agency(api):
    task = ok(await create(api, "D001", as_user="hq.planner"))
    from tests.api.tasks_support import act

    task = ok(await act(api, "delegateTask", "DelegateTaskInput", task, as_user="hq.planner", agencyCode="agency-de",
                        reason="Local partner"))  # fmt: skip
    task = ok(await issue(api, task, as_user="hq.planner"))
    task = ok(await assign(api, task, "agency.de.inspector", as_user="hq.planner"))
    task = ok(await start(api, task, as_user="agency.de.inspector"))
    answered = await answer_checklist(api, task["id"], as_user="agency.de.inspector")
    assert answered and all(i["answer"] == "CONFORMS" for i in answered)
    assert ok(await submit(api, task, as_user="agency.de.inspector", answer=False))["status"] == "RESULTS_SUBMITTED"


LIST = """query($n: Int!) { tasks(first: $n) { nodes { id checklistProgress { total answered }
  checklist { code answer answeredBy { login } evidence { document { id } latitude } } } } }"""


async def test_reading_many_checklists_is_a_fixed_number_of_statements(api):
    async def statements(n: int) -> int:
        await api.data(LIST, {"n": n}, as_user="east.planner")
        with api.count_queries() as counter:
            data = await api.data(LIST, {"n": n}, as_user="east.planner")
        assert sum(len(t["checklist"]) for t in data["tasks"]["nodes"]) > 0
        return len(counter.statements)

    for n, code in enumerate(("E001", "E002", "E003")):
        window = (f"2026-12-0{2 * n + 1}", f"2026-12-0{2 * n + 2}")
        task = await running_task(api, code, window=window)
        await answer_checklist(api, task["id"], as_user=LEADER)
    few = await statements(2)
    assert await statements(50) == few
