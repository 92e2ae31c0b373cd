"""Edges of the clause checklists (issue 13, D), found by an outside attack: splits, clause changes,
odd content and who may add or answer items. Each test outside TestHolds says what was wrong and
what holds now."""

from __future__ import annotations

from schema.relay import from_global_id, to_global_id
from store.models import ChecklistEvidence, ChecklistItem, ProductCategory, SurveillanceClause
from tests.api.checklist_support import ADD, ANSWER, PNG, add_item, answer, checklist
from tests.api.results_support import running_task, submit
from tests.api.tasks_support import create, issue, ok
from tests.client import error_codes

LEADER = "east.inspector1"
SPLIT = """mutation($i: SplitTaskInput!) { splitTask(input: $i) { children { id kind } userErrors { code } } }"""
CLAUSE = """mutation($i: SurveillanceClauseInput!) { upsertSurveillanceClause(input: $i) {
  clause { code version } userErrors { code field } } }"""
PROGRESS = """query($id: ID!) { node(id: $id) { ... on Task { checklistProgress { total answered nonconformities }
  checklist { code } } } }"""


def _codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def _issued(api, code="E001"):
    return ok(await issue(api, ok(await create(api, code, "ROUTINE_NOTIFIED", as_user="east.planner")),
                          as_user="east.planner"))  # fmt: skip


async def _task(api, task_id):
    from tests.api.tasks_support import get

    return await get(api, task_id, as_user="east.planner")


async def test_split_keeps_the_planners_task_specific_items(api):
    """Was: splitting an issued task withdrew the planner's task-specific items with the container and the
    inspection sub-task drew only the clauses. Now the planner's items follow to the inspection sub-task."""
    task = await _issued(api)
    added = await add_item(api, task, "T-1")
    assert added["userErrors"] == []
    task = await _task(api, task["id"])
    body = {"taskId": task["id"], "expectedVersion": task["version"], "reason": "Separate the sampling",
            "parts": [{"kind": "ROUTINE_NOTIFIED"}, {"kind": "SAMPLING"}]}  # fmt: skip
    done = (await api.data(SPLIT, {"i": body}, as_user="east.planner"))["splitTask"]
    assert done["userErrors"] == []
    part = next(c for c in done["children"] if c["kind"] == "ROUTINE_NOTIFIED")
    assert "T-1" in [i["code"] for i in await checklist(api, part["id"])]


async def test_a_clause_moved_to_another_category_leaves_unstarted_checklists(api):
    """Was: HQ moving a general clause to a category the task does not hold refreshed its item on an unstarted
    task (new text). Now the item is withdrawn (kept, never deleted): the task checks only what applies."""
    task = await _issued(api, "E002")
    held = {r async for r in _held_categories(task["id"])}
    other = await ProductCategory.exclude(code__in=held).first()
    body = {"year": 2026, "code": "01", "title": "只适用于其他产品", "text": "Another category only",
            "productCategory": other.code, "reason": "Moved to one category"}  # fmt: skip
    done = (await api.data(CLAUSE, {"i": body}, as_user="hq.planner"))["upsertSurveillanceClause"]
    assert done["userErrors"] == []
    assert "01" not in [i["code"] for i in await checklist(api, task["id"])]
    kept = await ChecklistItem.get(task_id=from_global_id(task["id"])[1], code="01")
    assert kept.withdrawn_at is not None


async def _held_categories(task_id):
    from store.models import TaskCertificate

    db = from_global_id(task_id)[1]
    for code in await TaskCertificate.filter(task_id=db).values_list("certificate__product_category__code", flat=True):
        yield code


async def test_a_new_clause_of_the_year_reaches_unstarted_checklists(api):
    """Was: a clause HQ added for the year after a task was issued (and before it started) never reached it.
    Now unstarted tasks get the new general clause too."""
    task = await _issued(api, "E002")
    body = {"year": 2026, "code": "99", "title": "年度重点：新增条款", "text": "New focus clause",
            "reason": "Yearly focus", "focus": True}  # fmt: skip
    done = (await api.data(CLAUSE, {"i": body}, as_user="hq.planner"))["upsertSurveillanceClause"]
    assert done["userErrors"] == []
    assert "99" in [i["code"] for i in await checklist(api, task["id"])]


async def test_an_item_code_cannot_hide_behind_a_zero_width_character(api):
    """Was: addChecklistItem accepted "0\\u200b1" next to clause "01" (two items printing the same code on the
    0402.06 form). Now invisible/format characters in a code are refused (INVALID)."""
    task = await _issued(api)
    done = await add_item(api, task, "0\u200b1")
    assert _codes(done) == ["INVALID"]
    task = await _task(api, task["id"])
    assert _codes(await add_item(api, task, "\uff10\uff11 ")) == ["CONFLICT"]  # full-width digits: NFKC "01"
    assert (await add_item(api, task, "t-1"))["userErrors"] == []
    task = await _task(api, task["id"])
    assert _codes(await add_item(api, task, "T-1")) == ["CONFLICT"]  # unique regardless of case


async def test_evidence_per_item_is_bounded(api):
    """Was: the 10-file cap was per call only, so repeating the call piled up any number of evidence files on
    one item (storage, 0402.06 size). Now the item's total is capped at 20, and nothing is written past it."""
    task = await running_task(api)
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    for start in (0, 10):
        files = [(PNG + bytes([n]), f"{n}.png", "image/png", {}) for n in range(start, start + 10)]
        assert (await answer(api, item, as_user=LEADER, files=files))["userErrors"] == []
    more = await answer(api, item, as_user=LEADER, files=[(PNG + b"more", "x.png", "image/png", {})])
    assert _codes(more) == ["INVALID"] and "20" in more["userErrors"][0]["message"]
    assert await ChecklistEvidence.filter(item_id=from_global_id(item["id"])[1]).count() == 20


async def test_the_same_file_twice_is_one_evidence(api):
    """Was: re-sending the same bytes (an offline device retrying without a key) added a second evidence row
    and bumped the item's version. Now the same document on the same item is recorded once."""
    task = await running_task(api)
    item = (await checklist(api, task["id"], as_user=LEADER))[0]
    file = [(PNG, "a.png", "image/png", {})]
    first = await answer(api, item, as_user=LEADER, files=file)
    again = await answer(api, item, as_user=LEADER, files=file)
    assert again["userErrors"] == [] and again["item"]["version"] == first["item"]["version"]
    assert len(again["item"]["evidence"]) == 1


async def test_all_not_applicable_is_no_pass(api):
    """Was: every item answered NOT_APPLICABLE still let the leader submit a PASS (an inspection that checked
    nothing passed). Now a pass needs at least one item assessed (CONFORMS/NONCONFORMITY); a FAIL stays."""
    task = await running_task(api)
    for item in await checklist(api, task["id"], as_user=LEADER):
        done = await answer(api, item, "NOT_APPLICABLE", as_user=LEADER, reason="不适用 Not applicable")
        assert done["userErrors"] == []
    assert _codes(await submit(api, task, "PASS", answer=False)) == ["INVALID"]
    assert _codes(await submit(api, task, "PASS_AFTER_CORRECTION", answer=False)) == ["INVALID"]
    failed = await submit(api, task, "FAIL", answer=False, summary="Nothing could be assessed")
    assert failed["userErrors"] == []


class TestHolds:
    async def test_odd_item_ids_are_not_found(self, api):
        task = await running_task(api)
        for bad in (to_global_id("ChecklistItem", 2**31 - 1), to_global_id("Task", 1), "Q2hlY2tsaXN0SXRlbTot",
                    to_global_id("Nonconformity", 1), "=" * 40, "\u202e" * 10):  # fmt: skip
            body = await api.run(ANSWER, {"i": {"itemId": bad, "answer": "CONFORMS"}}, as_user=LEADER)
            assert "errors" not in body, (bad, body)
            assert _codes(body["data"]["answerChecklistItem"]) == ["NOT_FOUND"], bad
        assert task

    async def test_other_planners_and_outsiders_do_not_add_items(self, api):
        task = await _issued(api)
        for login in ("south.planner", "ent.E001", "agency.de.inspector", LEADER):
            body = {"taskId": task["id"], "expectedVersion": task["version"], "code": "X", "title": "t", "text": "t"}
            got = await api.run(ADD, {"i": body}, as_user=login)
            codes = error_codes(got) or _codes(got["data"]["addChecklistItem"])
            assert codes in (["NOT_FOUND"], ["FORBIDDEN"]), (login, got)
        assert not await ChecklistItem.filter(code="X").exists()

    async def test_enterprise_sees_no_progress_while_the_team_answers(self, api):
        task = await running_task(api)
        item = (await checklist(api, task["id"], as_user=LEADER))[0]
        await answer(api, item, "NONCONFORMITY", as_user=LEADER, severity="SERIOUS", description="Bad relay")
        seen = (await api.data(PROGRESS, {"id": task["id"]}, as_user="ent.E001"))["node"]
        assert seen is None or (seen["checklistProgress"] is None and seen["checklist"] == [])
        got = await api.run(ANSWER, {"i": {"itemId": item["id"], "answer": "CONFORMS"}}, as_user="ent.E001")
        assert _codes(got["data"]["answerChecklistItem"]) == ["NOT_FOUND"]

    async def test_nul_and_huge_notes_are_user_errors(self, api):
        task = await running_task(api)
        item = (await checklist(api, task["id"], as_user=LEADER))[0]
        assert _codes(await answer(api, item, as_user=LEADER, note="a\x00b")) == ["INVALID"]
        assert _codes(await answer(api, item, as_user=LEADER, note="x" * 10_000)) == ["TOO_LONG"]
        assert (await ChecklistItem.get(id=from_global_id(item["id"])[1])).answer is None
        assert await SurveillanceClause.all().count()
