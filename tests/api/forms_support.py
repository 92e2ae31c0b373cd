"""Helpers for generated forms through the endpoint: this year's clauses, a task whose checklist
was drawn from them and answered by its leader, the PDF download and the confirmation."""

from __future__ import annotations

from domain.checklists import ChecklistAnswer
from domain.results import Severity
from schema.relay import from_global_id
from services.checklists.answering import answer_checklist_item
from store.models import ChecklistItem
from tests.api.results_support import running_task
from tests.services.services_support import session_for

CLAUSE = """mutation($i: SurveillanceClauseInput!) { upsertSurveillanceClause(input: $i) {
  clause { code } userErrors { field code } } }"""
CLAUSES = [
    ("QA-01", "职责和资源", "Responsibilities and resources", True),
    ("QA-02", "文件和记录", "Documents and records", False),
    ("QA-03", "采购和关键元器件控制", "Purchasing and critical components", False),
    ("QA-04", "例行检验和确认检验", "Routine and confirmation tests", True),
]
GENERATED = """generatedForms { form number url dataVersion stale
  confirmed { by { login } at dataVersion document { sha256 description uploadedBy contentType } } }"""
TASK = f"""query($id: ID!) {{ node(id: $id) {{ ... on Task {{ id number version status {GENERATED}
  completeness {{ required present missing complete }} }} }} }}"""
CONFIRM = f"""mutation($i: ConfirmGeneratedFormInput!) {{ confirmGeneratedForm(input: $i) {{
  task {{ id {GENERATED} completeness {{ present missing complete }} }} userErrors {{ field code message }} }} }}"""


async def add_clauses(api, year: int = 2026) -> None:
    for code, title, title_en, focus in CLAUSES:
        body = {"year": year, "code": code, "title": title, "titleEn": title_en, "text": f"{title}的要求",
                "focus": focus, "reason": "Yearly clauses"}  # fmt: skip
        payload = (await api.data(CLAUSE, {"i": body}, as_user="hq.planner"))["upsertSurveillanceClause"]
        assert payload["userErrors"] == [], payload


async def checklist_task(api, code: str = "E001", *, clauses: bool = True, **kw) -> dict:
    """A started East inspection of `code` whose checklist was drawn from the clauses (added
    first unless `clauses` is false)."""
    if clauses:
        await add_clauses(api)
    task = await running_task(api, code, **kw)
    items = await ChecklistItem.filter(task_id=from_global_id(task["id"])[1])
    ours = {c for c, *_ in CLAUSES}
    if clauses:
        assert ours <= {i.code for i in items}
    # The world's own (demo) clauses are answered as conforming, so only ours are left to the test.
    session = await session_for(kw.get("leader", "east.inspector1"))
    for item in items:
        if item.code not in ours:
            await answer_checklist_item(
                session, item_id=item.id, answer=ChecklistAnswer.CONFORMS, severity=None, description=None,
                reason=None, note=None, captured_at=None, expected_version=None, evidence=[],
            )  # fmt: skip
    return task


# Code → (answer, severity, description, reason, note); QA-04 is left unanswered unless asked.
ANSWERS = {
    "QA-01": ("CONFORMS", None, None, None, "负责人已面谈 interviewed the quality manager"),
    "QA-02": ("NOT_APPLICABLE", None, None, "无外包文件 nothing outsourced", None),
    "QA-03": ("CONFORMS", None, None, None, None),
    "QA-04": ("CONFORMS", None, None, None, None),
}


async def answer(task: dict, codes, *, as_user: str = "east.inspector1") -> None:
    session = await session_for(as_user)
    task_id = from_global_id(task["id"])[1]
    for code in codes:
        item = await ChecklistItem.get(task_id=task_id, code=code)
        given, severity, description, reason, note = ANSWERS[code]
        await answer_checklist_item(
            session, item_id=item.id, answer=ChecklistAnswer(given), severity=Severity(severity) if severity else None, description=description, reason=reason,
            note=note, captured_at=None, expected_version=None, evidence=[],
        )  # fmt: skip


async def download(api, task_id: str, form: str, *, as_user: str | None = "east.planner"):
    headers = {"authorization": f"Bearer {await api.token(as_user)}"} if as_user else {}
    return await api.http.get(f"/tasks/{task_id}/forms/{form}.pdf", headers=headers)


async def confirm(api, task_id: str, form: str, version: str, *, as_user: str = "east.inspector1") -> dict:
    body = {"taskId": task_id, "form": form, "dataVersion": version}
    return await api.run(CONFIRM, {"i": body}, as_user=as_user)


async def forms_of(api, task_id: str, *, as_user: str = "east.planner") -> dict:
    node = (await api.data(TASK, {"id": task_id}, as_user=as_user))["node"]
    return {f["form"]: f for f in node["generatedForms"] or []} | {"_task": node}
