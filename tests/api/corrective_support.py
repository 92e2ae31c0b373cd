"""Helpers for the corrective-action tests: a submitted finding, submitCorrectiveAction with
or without files, and the rows a refused request must leave unchanged."""

from __future__ import annotations

from store.models import AuditEntry, CorrectiveAction, CorrectiveActionEvidence, Document
from tests.api.results_support import NC, running_task, submit
from tests.api.tasks_support import ok

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ACTION = "number current description submittedBy late evidence { id filename sha256 contentType downloadUrl }"
FINDINGS = f"""nonconformities {{ id correctiveAction verifiedClosed
  currentCorrectiveAction {{ {ACTION} }} correctiveActions {{ {ACTION} }} }}"""
SUBMIT = f"""mutation($i: SubmitCorrectiveActionInput!) {{ submitCorrectiveAction(input: $i) {{
  task {{ id status result {{ effectiveConclusion {FINDINGS} }} }} userErrors {{ field code message }} }} }}"""
TASK = f"query($id: ID!) {{ node(id: $id) {{ ... on Task {{ result {{ {FINDINGS} }} }} }} }}"
VERIFY = f"""mutation($i: VerifyCorrectionInput!) {{ verifyCorrection(input: $i) {{
  task {{ result {{ {FINDINGS} }} }} userErrors {{ code }} }} }}"""


async def submitted_finding(api, code="E001") -> tuple[dict, str]:
    """A task of `code` submitted as a pass after correction with one finding, and that finding's id."""
    task = ok(await submit(api, await running_task(api, code), "PASS_AFTER_CORRECTION", [NC]))
    return task, task["result"]["nonconformities"][0]["id"]


async def send_correction(api, nc_id, *, files=(), as_user="ent.E001", **fields) -> dict:
    """The whole response of submitCorrectiveAction; files as (name, bytes, type)."""
    body = {"nonconformityId": nc_id, "description": "Records completed; procedure QP-07 revised", **fields}
    if not files:
        return await api.run(SUBMIT, {"i": body}, as_user=as_user)
    body["evidence"] = [None] * len(files)
    mapped = {f"i.evidence.{n}": f for n, f in enumerate(files)}
    return await api.upload(SUBMIT, {"i": body}, mapped, as_user=as_user)


def correction_payload(response) -> dict:
    assert "errors" not in response, response
    return response["data"]["submitCorrectiveAction"]


def first_finding(payload) -> dict:
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["task"]["result"]["nonconformities"][0]


async def row_counts() -> tuple[int, ...]:
    return (
        await CorrectiveAction.all().count(),
        await CorrectiveActionEvidence.all().count(),
        await Document.all().count(),
        await AuditEntry.all().count(),
    )


async def download(api, url: str, login: str):
    return await api.http.get(url, headers={"authorization": f"Bearer {await api.token(login)}"})
