"""A review return does not lose the enterprise's work (issue 13, D): when the leader resubmits
a returned result with the same finding (the same checklist item; for a free-text finding the
same clause and description), the enterprise's corrective actions continue on the new finding —
every version with its author, late flag and evidence — it amends them from the version it
reached, and the leader verifying the new finding sees them. A different finding starts empty;
the old finding's rows stay as they were."""

from __future__ import annotations

from schema.relay import from_global_id
from store.models import AuditEntry, CorrectiveAction
from tests.api.checklist_support import answer_checklist
from tests.api.corrective_support import (
    PNG,
    TASK,
    VERIFY,
    correction_payload,
    first_finding,
    send_correction,
    submitted_finding,
)
from tests.api.results_support import NC, codes, review, running_task, submit
from tests.api.tasks_support import PDF, ok

LEADER = "east.inspector1"
OTHER = {"clause": "4.5", "severity": "GENERAL", "description": "Calibration label missing on a meter"}


def by_clause(task: dict) -> dict[str, dict]:
    return {n["clause"]: n for n in task["result"]["nonconformities"]}


async def findings(api, task_id: str, as_user: str = LEADER) -> list[dict]:
    return (await api.data(TASK, {"id": task_id}, as_user=as_user))["node"]["result"]["nonconformities"]


async def test_a_free_text_finding_resubmitted_keeps_its_corrective_actions(api):
    task, old = await submitted_finding(api)
    files = [("records.pdf", PDF, "application/pdf"), ("photo.png", PNG, "image/png")]
    first_finding(correction_payload(await send_correction(api, old, files=files)))
    amended = first_finding(
        correction_payload(await send_correction(api, old, description="Staff trained too", expectedVersion=1))
    )
    assert amended["currentCorrectiveAction"]["number"] == 2
    rows_before = await CorrectiveAction.all().count()

    task = ok(await review(api, task, "RETURN", "Name the supplier"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC, OTHER]))
    new = by_clause(task)
    assert new[NC["clause"]]["id"] != old
    seen = {n["id"]: n for n in await findings(api, task["id"], as_user="ent.E001")}
    carried = seen[new[NC["clause"]]["id"]]
    assert [(a["number"], a["current"], a["submittedBy"], a["late"]) for a in carried["correctiveActions"]] == [
        (1, False, "ent.E001", False),
        (2, True, "ent.E001", False),
    ]
    assert carried["currentCorrectiveAction"]["description"] == "Staff trained too"
    assert [e["filename"] for e in carried["correctiveActions"][0]["evidence"]] == ["records.pdf", "photo.png"]
    assert seen[new[OTHER["clause"]]["id"]]["correctiveActions"] == []  # a new finding starts empty
    assert await CorrectiveAction.all().count() == rows_before + 2  # copies; the old rows stay
    assert await CorrectiveAction.filter(nonconformity_id=_db_id(old)).count() == 2
    entry = await AuditEntry.filter(action="result.submit").order_by("-seq").first()
    assert entry.after["correctiveActionsCarried"] == [
        {"nonconformity": _db_id(new[NC["clause"]]["id"]), "from": _db_id(old), "versions": 2}
    ]

    # The enterprise amends from the version it reached; the old finding takes nothing more.
    fresh = new[NC["clause"]]["id"]
    assert codes(correction_payload(await send_correction(api, fresh, description="Again"))) == ["CONFLICT"]
    third = correction_payload(await send_correction(api, fresh, description="Audit done", expectedVersion=2))
    assert codes(third) == []
    assert codes(correction_payload(await send_correction(api, old, expectedVersion=2))) == ["CONFLICT"]

    # The leader verifying the new finding sees the enterprise's work; the audit names its version.
    current = {n["id"]: n for n in await findings(api, task["id"])}[fresh]["currentCorrectiveAction"]
    assert (current["number"], current["description"]) == (3, "Audit done")
    verify = {"nonconformityId": fresh, "method": "WRITTEN", "closed": True, "correctiveAction": "Checked"}
    assert (await api.data(VERIFY, {"i": verify}, as_user=LEADER))["verifyCorrection"]["userErrors"] == []
    entry = await AuditEntry.filter(action="result.verify_correction").order_by("-seq").first()
    assert entry.after["correctiveActionVersion"] == 3


async def test_a_changed_free_text_finding_is_a_new_finding(api):
    task, old = await submitted_finding(api)
    first_finding(correction_payload(await send_correction(api, old)))
    task = ok(await review(api, task, "RETURN", "Describe the finding better"))
    reworded = {**NC, "description": "Incoming inspection records missing for two lots"}
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [reworded]))
    assert (await findings(api, task["id"]))[0]["correctiveActions"] == []


async def test_a_checklist_finding_resubmitted_keeps_its_corrective_actions(api):
    task = await running_task(api, "E001")
    await answer_checklist(api, task["id"], as_user=LEADER, nonconforming={"03": ("GENERAL", "Supplier list old")})
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", answer=False))
    old = task["result"]["nonconformities"][0]["id"]
    first_finding(correction_payload(await send_correction(api, old, description="Supplier list renewed")))

    task = ok(await review(api, task, "RETURN", "Summarise better"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", summary="One purchasing finding", answer=False))
    (carried,) = await findings(api, task["id"], as_user="ent.E001")
    assert carried["id"] != old
    assert [(a["number"], a["description"]) for a in carried["correctiveActions"]] == [(1, "Supplier list renewed")]
    assert carried["currentCorrectiveAction"]["number"] == 1


def _db_id(global_id: str) -> int:
    return from_global_id(global_id)[1]
