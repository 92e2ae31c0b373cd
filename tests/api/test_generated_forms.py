"""Forms generated from the data (issue 13): downloaded as PDF through an authorized route, their
text extracted and checked; confirmed by the team leader only, from the data version they saw;
a confirmed form counts toward the archive like an uploaded one."""

from __future__ import annotations

from schema.relay import from_global_id, to_global_id
from store.models import AuditEntry, ChecklistItem, Document, FormSignoff
from tests.api.archive_support import ARCHIVE, documents_in_tmp_settings  # noqa: F401
from tests.api.forms_support import CLAUSES, answer, checklist_task, confirm, download, forms_of
from tests.api.results_support import NC, decide, mutate, review, submit
from tests.api.sampling_support import RECORD, _sampling_task_in_progress
from tests.api.tasks_support import create, ok
from tests.client import error_codes
from tests.services.forms_support import pdf_text, shows


async def test_the_record_form_shows_every_item_and_its_answer(api):
    task = await checklist_task(api, members=("east.inspector2",))
    await answer(task, ["QA-01", "QA-02", "QA-03"])
    response = await download(api, task["id"], "INSPECTION_RECORD")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    version = response.headers["x-data-version"]
    assert len(version) == 64
    text = pdf_text(response.content)
    number = (await forms_of(api, task["id"]))["_task"]["number"]
    assert shows(text, "工厂检查记录表 Factory Inspection Record", "0402.06", number, f"任务编号 Task {number}",
                 "E001", "Shanghai Ruifeng Cable Co.", f"数据版本 Data version: {version[:12]}",
                 "East inspector 1", "East inspector 2") == []  # fmt: skip
    for code, title, title_en, _ in CLAUSES:
        assert shows(text, f"{code}{title}{title_en}") == [], code
    assert shows(text, "符合 Conforms", "不适用 Not applicable", "无外包文件", "未答 Unanswered", "负责人已面谈") == []
    assert shows(text, "★") == []  # focus items marked
    assert text.count("未答") == 1  # QA-04 only

    await answer(task, ["QA-04"])
    again = await download(api, task["id"], "INSPECTION_RECORD")
    assert again.headers["x-data-version"] != version and "未答" not in pdf_text(again.content)


async def test_the_report_the_notice_and_the_person_day_form(api):
    task = await checklist_task(api)
    await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
    number = (await forms_of(api, task["id"]))["_task"]["number"]
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC]))
    days = {"taskId": task["id"], "expectedVersion": task["version"], "entries": [{"login": "east.inspector1",
                                                                                    "days": 1.5}]}  # fmt: skip
    ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput", days, as_user="east.inspector1"))
    report = pdf_text((await download(api, task["id"], "INSPECTION_REPORT")).content)
    assert shows(report, "工厂检查报告 Factory Inspection Report", "0402.03", "E001", "Shanghai Ruifeng Cable Co.",
                 "整改后通过", NC["clause"], NC["description"], "一般不符合", "East inspector 1", "East China") == []  # fmt: skip
    assert shows(report, number) == []
    person_days = pdf_text((await download(api, task["id"], "PERSON_DAY_FORM")).content)
    assert shows(person_days, "人日数核算表 Person-Day Accounting Form", "0402.11", "east.inspector1", "1.5") == []
    refused = await download(api, task["id"], "SAMPLING_NOTICE")  # no samples taken: does not apply
    assert refused.status_code == 409 and refused.json()["code"] == "CONFLICT" and "does not apply" in refused.text

    sampling = await _sampling_task_in_progress(api)
    body = {"taskId": sampling["id"], "identifier": "S-2026-0777", "sealNumber": "F-77", "quantity": 3,
            "place": "成品仓库 Finished goods store"}  # fmt: skip
    assert (await api.data(RECORD, {"i": body}, as_user="east.inspector1"))["recordSample"]["userErrors"] == []
    notice = pdf_text((await download(api, sampling["id"], "SAMPLING_NOTICE")).content)
    assert shows(notice, "抽样通知书 Sampling Notice", "0402.08", "S-2026-0777", "F-77", "成品仓库", "工厂 Factory",
                 "E001") == []  # fmt: skip
    assert (await download(api, sampling["id"], "INSPECTION_RECORD")).status_code == 409  # a pure sampling task


async def test_who_may_download(api):
    task = await checklist_task(api)
    assert (await download(api, task["id"], "INSPECTION_REPORT", as_user=None)).status_code == 401
    for login in ("east.inspector1", "east.planner", "east.archivist", "hq.planner"):
        assert (await download(api, task["id"], "INSPECTION_REPORT", as_user=login)).status_code == 200, login
    for login in ("ent.E001", "south.planner", "south.inspector", "agency.de.inspector", "lab.east2", "buyer.east"):
        response = await download(api, task["id"], "INSPECTION_REPORT", as_user=login)
        assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND", login
        assert "Ruifeng" not in response.text
    factory = to_global_id("Factory", 1)
    for bad in ("nonsense", factory, to_global_id("Task", 2**31), to_global_id("Task", 0), "VGFzazo", "%00"):
        assert (await download(api, bad, "INSPECTION_REPORT")).status_code == 404, bad
    for form in ("NC_REPORT", "inspection_report", "", "X" * 300):
        assert (await download(api, task["id"], form)).status_code == 404, form


async def test_only_the_leader_confirms_and_a_stale_version_writes_nothing(api):
    task = await checklist_task(api, members=("east.inspector2",))
    await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
    task = ok(await submit(api, task, "PASS"))  # a report and a record are signed for a result
    forms = await forms_of(api, task["id"])
    assert set(forms) - {"_task"} == {"INSPECTION_REPORT", "INSPECTION_RECORD"}
    record = forms["INSPECTION_RECORD"]
    assert record["number"] == "0402.06" and record["confirmed"] is None and record["stale"] is None
    assert record["url"] == f"/tasks/{task['id']}/forms/INSPECTION_RECORD.pdf"
    version = (await download(api, task["id"], "INSPECTION_RECORD")).headers["x-data-version"]
    assert version == record["dataVersion"]  # computed from the data, not from a rendered PDF

    def counts():
        return Document.filter(purpose="INSPECTION_RECORD").count(), FormSignoff.all().count()

    before = [await c for c in counts()]
    audits = await AuditEntry.all().count()
    # The enterprise reads the (notified) task, so it is FORBIDDEN; another unit does not: NOT_FOUND.
    for login, code in (("east.inspector2", "FORBIDDEN"), ("east.planner", "FORBIDDEN"), ("ent.E001", "FORBIDDEN"),
                        ("south.inspector", None)):  # fmt: skip
        response = await confirm(api, task["id"], "INSPECTION_RECORD", version, as_user=login)
        if code:
            assert error_codes(response) == [code], login
        else:  # not readable: NOT_FOUND, as for a missing task
            assert [e["code"] for e in response["data"]["confirmGeneratedForm"]["userErrors"]] == ["NOT_FOUND"], login
    stale = (await confirm(api, task["id"], "INSPECTION_RECORD", "0" * 64))["data"]["confirmGeneratedForm"]
    assert stale["task"] is None and stale["userErrors"] == [
        {"field": ["input", "dataVersion"], "code": "CONFLICT", "message": "the data changed since you looked; download the form again"}
    ]  # fmt: skip
    malformed = (await confirm(api, task["id"], "INSPECTION_RECORD", "x"))["data"]["confirmGeneratedForm"]
    assert [e["code"] for e in malformed["userErrors"]] == ["INVALID"]
    uploaded_only = (await confirm(api, task["id"], "NC_REPORT", version))["data"]["confirmGeneratedForm"]
    assert [e["code"] for e in uploaded_only["userErrors"]] == ["INVALID"]
    absent = (await confirm(api, task["id"], "SAMPLING_NOTICE", version))["data"]["confirmGeneratedForm"]
    assert [e["code"] for e in absent["userErrors"]] == ["CONFLICT"]
    assert [await c for c in counts()] == before and await AuditEntry.all().count() == audits

    done = (await confirm(api, task["id"], "INSPECTION_RECORD", version))["data"]["confirmGeneratedForm"]
    assert done["userErrors"] == []
    signed = {f["form"]: f for f in done["task"]["generatedForms"]}["INSPECTION_RECORD"]
    assert signed["stale"] is False and signed["confirmed"]["dataVersion"] == version
    assert signed["confirmed"]["by"]["login"] == "east.inspector1"
    document = signed["confirmed"]["document"]
    assert document["description"] == "系统生成，组长确认 generated and confirmed"
    assert document["uploadedBy"] == "east.inspector1" and document["contentType"] == "application/pdf"
    assert "INSPECTION_RECORD" in done["task"]["completeness"]["present"]
    entry = await AuditEntry.filter(action="task.form_confirmed").order_by("-id").first()
    assert entry.after["dataVersion"] == version and entry.after["sha256"] == document["sha256"]
    assert entry.after["form"] == "INSPECTION_RECORD"

    # The data changes: the confirmation is stale; confirming again adds a document, the old one stays.
    assert (await forms_of(api, task["id"]))["INSPECTION_RECORD"]["stale"] is False
    task_id = from_global_id(task["id"])[1]
    await ChecklistItem.filter(task_id=task_id, code="QA-03").update(
        note="补充说明 added later"
    )  # as a later answer would
    now = (await forms_of(api, task["id"]))["INSPECTION_RECORD"]
    assert now["stale"] is True and now["dataVersion"] != version
    again = (await confirm(api, task["id"], "INSPECTION_RECORD", now["dataVersion"]))["data"]["confirmGeneratedForm"]
    assert again["userErrors"] == []
    assert await Document.filter(task_id=task_id, purpose="INSPECTION_RECORD").count() == 2
    assert await FormSignoff.filter(task_id=task_id).count() == 2


async def test_a_file_of_generated_and_confirmed_forms_is_archived(api):
    task = await checklist_task(api)
    await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"])
    task = ok(await submit(api, task, "PASS"))
    days = {"taskId": task["id"], "expectedVersion": task["version"], "entries": [{"login": "east.inspector1",
                                                                                    "days": 2.0}]}  # fmt: skip
    task = ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput", days, as_user="east.inspector1"))
    task = ok(await decide(api, ok(await review(api, task))))
    forms = await forms_of(api, task["id"])
    assert forms["_task"]["completeness"]["missing"] == ["INSPECTION_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"]
    for form in ("INSPECTION_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"):
        done = (await confirm(api, task["id"], form, forms[form]["dataVersion"]))["data"]["confirmGeneratedForm"]
        assert done["userErrors"] == [], (form, done)
    completeness = done["task"]["completeness"]
    assert completeness["complete"] is True and completeness["missing"] == []
    node = (await forms_of(api, task["id"]))["_task"]
    body = {"taskId": task["id"], "expectedVersion": node["version"]}
    archived = (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert archived["userErrors"] == [] and archived["task"]["status"] == "ARCHIVED"
    late = await confirm(api, task["id"], "INSPECTION_REPORT", forms["INSPECTION_REPORT"]["dataVersion"])
    assert [e["code"] for e in late["data"]["confirmGeneratedForm"]["userErrors"]] == ["CONFLICT"]  # read-only
    assert (await download(api, task["id"], "INSPECTION_REPORT")).status_code == 200  # still readable


LIST = """query($n: Int!) { tasks(first: $n) { nodes { id generatedForms { form dataVersion stale
  confirmed { by { login unit { code } } document { sha256 } } } } } }"""


async def test_generated_forms_of_a_task_list_cost_a_fixed_number_of_statements(api):
    for code, leader in (("E001", "east.inspector1"), ("E002", "east.inspector2")):
        task = await checklist_task(api, code, clauses=code == "E001", leader=leader)
        await answer(task, ["QA-01", "QA-02", "QA-03", "QA-04"], as_user=leader)
        task = ok(await submit(api, task, "PASS", as_user=leader))
        version = (await forms_of(api, task["id"]))["INSPECTION_RECORD"]["dataVersion"]
        assert (await confirm(api, task["id"], "INSPECTION_RECORD", version, as_user=leader))["data"][
            "confirmGeneratedForm"
        ]["userErrors"] == []
    for code in ("E003", "E004", "E005", "E006") * 3:  # drafts: their inspection report applies
        ok(await create(api, code, as_user="east.planner"))
    await api.data(LIST, {"n": 1}, as_user="east.planner")  # warm the token and the policy
    with api.count_queries() as few:
        small = await api.data(LIST, {"n": 2}, as_user="east.planner")
    with api.count_queries() as many:
        large = await api.data(LIST, {"n": 50}, as_user="east.planner")
    assert len(large["tasks"]["nodes"]) > 10 > len(small["tasks"]["nodes"])
    assert any(f["confirmed"] for n in large["tasks"]["nodes"] for f in n["generatedForms"])
    assert len(many.statements) <= len(few.statements) + 2, many.statements
    assert len(many.statements) <= 25, many.statements
    hidden = await api.data(LIST, {"n": 50}, as_user="ent.E001")  # internal: null for the enterprise
    assert all(n["generatedForms"] is None for n in hidden["tasks"]["nodes"])
