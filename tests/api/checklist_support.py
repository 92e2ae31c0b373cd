"""Helpers for checklist tests (and for any test that drives a factory inspection to a result):
read a task's checklist, answer its items, add a task-specific item."""

from __future__ import annotations

from domain.checklists import ChecklistAnswer
from domain.errors import DomainError
from schema.relay import from_global_id
from services.checklists.answering import answer_checklist_item
from services.errors import AuthorizationError
from store.models import ChecklistItem
from tests.services.services_support import session_for

ITEM_FIELDS = """id code title titleEn text textEn focus source clauseVersion answer severity description reason
  note answeredBy { login } answeredAt capturedAt version
  evidence { document { id filename contentType downloadUrl } capturedAt latitude longitude }"""
CHECKLIST = f"""query($id: ID!) {{ node(id: $id) {{ ... on Task {{ id status version
  checklist {{ {ITEM_FIELDS} }} checklistProgress {{ total answered nonconformities }} }} }} }}"""
ITEM_PAYLOAD = f"item {{ {ITEM_FIELDS} }} task {{ id version status }} userErrors {{ field message code }}"
ANSWER = f"""mutation($i: AnswerChecklistItemInput!) {{ answerChecklistItem(input: $i) {{ {ITEM_PAYLOAD} }} }}"""
ADD = f"""mutation($i: AddChecklistItemInput!) {{ addChecklistItem(input: $i) {{ {ITEM_PAYLOAD} }} }}"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"x" * 500 + b"\n%%EOF"


async def checklist(api, task_id: str, *, as_user: str = "east.planner") -> list[dict]:
    """The task's items as `as_user` sees them (empty for who may not read them)."""
    node = (await api.data(CHECKLIST, {"id": task_id}, as_user=as_user))["node"]
    return node["checklist"] if node else []


async def answer(api, item: dict, answer: str = "CONFORMS", *, as_user: str, files=(), **fields) -> dict:
    """Answer one item; `files` are (bytes, filename, content type, evidence fields) for multipart."""
    body = {"itemId": item["id"], "answer": answer, **fields}
    if not files:
        return (await api.data(ANSWER, {"i": body}, as_user=as_user))["answerChecklistItem"]
    body["evidence"] = [{"file": None, **extra} for *_, extra in files]
    uploads = {f"i.evidence.{n}.file": (name, data, kind) for n, (data, name, kind, _) in enumerate(files)}
    response = await api.upload(ANSWER, {"i": body}, uploads, as_user=as_user)
    assert "errors" not in response, response["errors"]
    return response["data"]["answerChecklistItem"]


async def answer_checklist(
    api, task_id: str, *, as_user: str, nonconforming: dict | None = None, reader: str | None = None
) -> list[dict]:
    """Answer every unanswered item of the task as `as_user` (a team member): CONFORMS, or a
    non-conformity for the codes in `nonconforming` ({code: (severity, description)}).
    Returns the answered items; an item the caller may not answer is left as it is."""
    answered = []
    for item in await checklist(api, task_id, as_user=reader or as_user):
        if item["answer"] is not None:
            continue
        if nonconforming and item["code"] in nonconforming:
            severity, description = nonconforming[item["code"]]
            done = await answer(api, item, "NONCONFORMITY", as_user=as_user, severity=severity, description=description)
        else:
            done = await answer(api, item, as_user=as_user)
        if not done["userErrors"]:
            answered.append(done["item"])
    return answered


async def answer_open_items(task_id: str, *, as_user: str) -> int:
    """Answer every open item of the task as conforming, as `as_user`, through the service
    (what `answerChecklistItem` calls) rather than one GraphQL request each: for tests about
    what follows the checklist. An item the caller may not answer is left as it is."""
    session = await session_for(as_user)
    open_items = ChecklistItem.filter(task_id=from_global_id(task_id)[1], answer=None, withdrawn_at=None)
    answered = 0
    for item_id in await open_items.values_list("id", flat=True):
        try:
            await answer_checklist_item(
                session, item_id=item_id, answer=ChecklistAnswer.CONFORMS, severity=None, description=None,
                reason=None, note=None, captured_at=None, expected_version=None, evidence=[],
            )  # fmt: skip
        except (AuthorizationError, DomainError):
            continue
        answered += 1
    return answered


async def add_item(api, task: dict, code: str = "T-1", *, as_user: str = "east.planner", **fields) -> dict:
    body = {"taskId": task["id"], "expectedVersion": task["version"], "code": code, "title": "任务特定检查项",
            "text": "核查上次检查不符合项的整改情况", "titleEn": "Task item", "textEn": "Check last time's corrections",
            **fields}  # fmt: skip
    return (await api.data(ADD, {"i": body}, as_user=as_user))["addChecklistItem"]
