"""Attacking the generated forms of issue 13 (0402.03/.06/.08/.11) from the outside: the PDF
download route, `Task.generatedForms`, `confirmGeneratedForm`, the sign-offs, completeness and
archiving with generated forms. Each test outside `TestHolds` pins a defect and fails today."""

from __future__ import annotations

from schema.relay import from_global_id, to_global_id
from store.models import ChecklistItem, Document, FormSignoff
from tests.api.archive_support import documents_in_tmp_settings  # noqa: F401
from tests.api.forms_support import CONFIRM, answer, checklist_task, confirm, download, forms_of
from tests.api.results_support import decide, review, submit
from tests.api.tasks_support import create, ok
from tests.services.forms_support import pdf_text, shows

ITEM = """mutation($i: AnswerChecklistItemInput!) { answerChecklistItem(input: $i) {
  item { id version answer note } userErrors { field code message } } }"""


async def get_form(api, task_id: str, form: str, *, as_user: str = "east.planner") -> tuple[int, bytes, dict]:
    """(status, body, headers) of the download; an exception escaping the app counts as a 500."""
    try:
        response = await download(api, task_id, form, as_user=as_user)
    except Exception as exc:  # the in-process transport re-raises what the app did not handle
        return 500, repr(exc).encode(), {}
    return response.status_code, response.content, dict(response.headers)


async def answer_via_graphql(api, task: dict, code: str, *, as_user: str = "east.inspector1", **fields) -> dict:
    item = await ChecklistItem.get(task_id=from_global_id(task["id"])[1], code=code)
    body = {"itemId": _item_id(item.id), **fields}
    return (await api.data(ITEM, {"i": body}, as_user=as_user))["answerChecklistItem"]


def _item_id(db_id: int) -> str:
    return to_global_id("ChecklistItem", db_id)


async def test_a_long_internal_note_makes_the_record_form_unrenderable(api):
    """HIGH: a 5000-char note (accepted by answerChecklistItem) makes 0402.06 crash (reportlab
    LayoutError, a table row taller than a page) → 500; the form must render (rows split/wrap)."""
    task = await checklist_task(api)
    done = await answer_via_graphql(api, task, "QA-01", answer="CONFORMS", note="现场记录" * 1250)
    assert done["userErrors"] == [], done
    status, body, headers = await get_form(api, task["id"], "INSPECTION_RECORD")
    assert status == 200, body[:300]
    assert headers["content-type"] == "application/pdf" and shows(body, "QA-01") == []


async def test_a_long_summary_makes_the_report_unrenderable_and_unconfirmable(api):
    """HIGH: a 10000-char summary (accepted by submitResults) makes 0402.03 crash (LayoutError) →
    500 on download and an unhandled error on confirmGeneratedForm; both must work."""
    task = await checklist_task(api)
    await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
    task = ok(await submit(api, task, "PASS", summary="全部条款符合要求。" * 1100))
    status, body, _ = await get_form(api, task["id"], "INSPECTION_REPORT")
    assert status == 200, body[:300]
    version = (await forms_of(api, task["id"]))["INSPECTION_REPORT"]["dataVersion"]
    try:
        response = await confirm(api, task["id"], "INSPECTION_REPORT", version)
    except Exception as exc:
        raise AssertionError(f"confirmGeneratedForm crashed: {exc!r}") from None
    assert "errors" not in response, response
    assert response["data"]["confirmGeneratedForm"]["userErrors"] == []


LIST = """query($n: Int!) { tasks(first: $n) { nodes { id number generatedForms { form dataVersion } } } }"""


async def test_one_oversized_checklist_breaks_generated_forms_for_the_whole_task_list(api):
    """MEDIUM: one task whose checklist exceeds the 0402.06 bound (500 items, e.g. drawn from
    many clauses) makes `tasks { generatedForms }` error for every task of the page (the bound
    raises CONFLICT inside the batch); the list should answer, that form merely absent/flagged."""
    big = await checklist_task(api)
    task_id = from_global_id(big["id"])[1]
    start = await ChecklistItem.filter(task_id=task_id).count()
    await ChecklistItem.bulk_create(
        [
            ChecklistItem(task_id=task_id, position=start + n, code=f"BULK-{n:03}", title="条款", text="要求")
            for n in range(501)
        ]
    )  # as a checklist drawn from more than 500 clauses would be (drawing has no cap)
    for code in ("E003", "E004"):
        ok(await create(api, code, as_user="east.planner"))
    body = await api.run(LIST, {"n": 50}, as_user="east.planner")
    assert "errors" not in body, body.get("errors")
    nodes = body["data"]["tasks"]["nodes"]
    others = [n for n in nodes if n["id"] != big["id"]]
    assert others and all(n["generatedForms"] for n in others)


async def test_a_report_and_record_are_confirmed_only_for_submitted_results(api):
    """Was: the leader confirmed 0402.03/0402.06 while in progress (report 未提交, record 未答) and
    those sign-offs made the decided file complete. Now confirming them waits for the results."""
    task = await checklist_task(api)
    await answer(task, ["QA-01", "QA-02", "QA-03"])  # QA-04 still 未答
    early = await forms_of(api, task["id"])
    for form in ("INSPECTION_REPORT", "INSPECTION_RECORD"):
        done = (await confirm(api, task["id"], form, early[form]["dataVersion"]))["data"]["confirmGeneratedForm"]
        assert [e["code"] for e in done["userErrors"]] == ["CONFLICT"], done
        assert "submitted" in done["userErrors"][0]["message"]
    assert await FormSignoff.filter(task_id=from_global_id(task["id"])[1]).count() == 0


async def test_a_confirmation_made_stale_by_a_resubmission_does_not_archive(api):
    """Was: a form confirmed for the first result still counted after a return and a resubmission
    with other data. Now archiving names the stale form until it is confirmed again."""
    task = await checklist_task(api)
    await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
    task = ok(await submit(api, task, "PASS", summary="第一次提交 first"))
    first = await forms_of(api, task["id"])
    for form in ("INSPECTION_REPORT", "INSPECTION_RECORD"):
        done = (await confirm(api, task["id"], form, first[form]["dataVersion"]))["data"]["confirmGeneratedForm"]
        assert done["userErrors"] == [], done
    task = ok(await review(api, task, "RETURN", "请补充说明 explain more"))
    task = ok(await submit(api, task, "PASS", summary="第二次提交 second, with more"))
    task = ok(await decide(api, ok(await review(api, task))))
    now = await forms_of(api, task["id"])
    assert now["INSPECTION_REPORT"]["stale"] is True
    archive = """mutation($i: ArchiveTaskInput!) { archiveTask(input: $i) { task { status }
      userErrors { code message } } }"""
    body = {"taskId": task["id"], "expectedVersion": now["_task"]["version"]}
    refused = (await api.data(archive, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert [e["code"] for e in refused["userErrors"]] == ["CONFLICT"], refused
    assert "INSPECTION_REPORT" in refused["userErrors"][0]["message"]
    again = await confirm(api, task["id"], "INSPECTION_REPORT", now["INSPECTION_REPORT"]["dataVersion"])
    assert again["data"]["confirmGeneratedForm"]["userErrors"] == []
    # Whatever else the file lacks (the person-day form is not required here), the stale report no longer blocks.
    node = (await forms_of(api, task["id"]))["_task"]
    body = {"taskId": task["id"], "expectedVersion": node["version"]}
    done = (await api.data(archive, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert all("INSPECTION_REPORT" not in e["message"] for e in done["userErrors"]), done


async def test_confirming_the_same_version_twice_files_a_duplicate(api):
    """LOW: confirming an unchanged form again (double click, two devices) keeps a second identical
    PDF document and sign-off; the same data version should answer with the existing sign-off."""
    task = await checklist_task(api)
    await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
    task = ok(await submit(api, task, "PASS"))
    version = (await forms_of(api, task["id"]))["INSPECTION_RECORD"]["dataVersion"]
    for _ in range(2):
        done = (await confirm(api, task["id"], "INSPECTION_RECORD", version))["data"]["confirmGeneratedForm"]
        assert done["userErrors"] == [], done
    task_id = from_global_id(task["id"])[1]
    assert await FormSignoff.filter(task_id=task_id, form="INSPECTION_RECORD").count() == 1
    assert await Document.filter(task_id=task_id, purpose="INSPECTION_RECORD").count() == 1


class TestHolds:
    async def test_the_enterprise_cannot_fetch_a_confirmed_record_form_with_internal_notes(self, api):
        """The confirmed 0402.06 (internal notes) is a task document: /documents/{id} is 404 to the
        enterprise and to another unit, 200 to the planner."""
        task = await checklist_task(api)
        await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
        task = ok(await submit(api, task, "PASS"))
        version = (await forms_of(api, task["id"]))["INSPECTION_RECORD"]["dataVersion"]
        done = (await confirm(api, task["id"], "INSPECTION_RECORD", version))["data"]["confirmGeneratedForm"]
        assert done["userErrors"] == []
        document = await Document.filter(purpose="INSPECTION_RECORD").order_by("-id").first()
        for login, status in (("ent.E001", 404), ("south.planner", 404), ("east.planner", 200)):
            headers = {"authorization": f"Bearer {await api.token(login)}"}
            response = await api.http.get(f"/documents/{document.id}", headers=headers)
            assert response.status_code == status, login
            if status == 404:
                assert "负责人已面谈" not in response.text
        assert shows(response.content, "负责人已面谈") == []  # the planner's copy has the note

    async def test_markup_and_characters_outside_the_bmp_in_a_note_are_text(self, api):
        """Reportlab markup in a note is escaped (shown as text, not interpreted); emoji survive
        extraction."""
        task = await checklist_task(api)
        note = "<font name='Courier'>x</font><img src='/etc/passwd'/> 😀 𠀀"
        assert (await answer_via_graphql(api, task, "QA-01", answer="CONFORMS", note=note))["userErrors"] == []
        status, body, _ = await get_form(api, task["id"], "INSPECTION_RECORD")
        assert status == 200
        assert shows(pdf_text(body), "<img src='/etc/passwd'/>", "😀") == []

    async def test_an_idempotency_key_reused_for_another_form_is_not_replayed(self, api):
        """The same idempotency key with a different form is not answered with the first result."""
        task = await checklist_task(api)
        await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
        task = ok(await submit(api, task, "PASS"))
        forms = await forms_of(api, task["id"])
        first = {"taskId": task["id"], "form": "INSPECTION_RECORD", "idempotencyKey": "confirm-1",
                 "dataVersion": forms["INSPECTION_RECORD"]["dataVersion"]}  # fmt: skip
        assert (await api.data(CONFIRM, {"i": first}, as_user="east.inspector1"))["confirmGeneratedForm"][
            "userErrors"
        ] == []
        second = first | {"form": "INSPECTION_REPORT", "dataVersion": forms["INSPECTION_REPORT"]["dataVersion"]}
        body = await api.run(CONFIRM, {"i": second}, as_user="east.inspector1")
        task_id = from_global_id(task["id"])[1]
        replayed_silently = (
            "errors" not in body
            and body["data"]["confirmGeneratedForm"]["userErrors"] == []
            and not await FormSignoff.filter(task_id=task_id, form="INSPECTION_REPORT").exists()
        )
        assert not replayed_silently, body
