"""The enterprise's corrective actions (issue 13, D): submitted with evidence for its own
non-conformities, flagged late after the deadline (which still decides the conclusion),
amended as new versions with the current version named, closed once the leader verifies; seen
by the leader when verifying; evidence downloadable by the enterprise and staff only; nobody
else may submit, and a foreign enterprise learns nothing; bad input writes nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import timedelta

import pytest

from schema.relay import from_global_id, to_global_id
from server.settings import Settings
from services import clock
from store.models import AuditEntry, NonConformity
from tests.api.corrective_support import (
    FINDINGS,
    PNG,
    TASK,
    VERIFY,
    correction_payload,
    download,
    first_finding,
    row_counts,
    send_correction,
    submitted_finding,
)
from tests.api.results_support import NC, codes, review, submit
from tests.api.tasks_support import PDF, assign, create, issue, ok, start
from tests.client import error_codes


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(
        Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"), max_upload_bytes=50_000
    )


async def test_on_time_submission_amendments_and_the_leader_verifying(api):
    task, nc = await submitted_finding(api)
    files = [("records.pdf", PDF, "application/pdf"), ("photo.png", PNG, "image/png")]
    first = first_finding(correction_payload(await send_correction(api, nc, files=files)))
    action = first["currentCorrectiveAction"]
    assert (action["number"], action["current"], action["late"], action["submittedBy"]) == (1, True, False, "ent.E001")
    assert [(e["filename"], e["sha256"]) for e in action["evidence"]] == [
        ("records.pdf", hashlib.sha256(PDF).hexdigest()),
        ("photo.png", hashlib.sha256(PNG).hexdigest()),
    ]

    before = await row_counts()
    again = correction_payload(
        await send_correction(api, nc, description="Second thoughts")
    )  # no version: not an amendment
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [("CONFLICT", ["input", "expectedVersion"])]
    stale = correction_payload(await send_correction(api, nc, description="Second thoughts", expectedVersion=2))
    assert codes(stale) == ["STALE_VERSION"] and stale["task"] is None
    assert await row_counts() == before

    kept = action["evidence"][0]["id"]
    amended = correction_payload(await send_correction(api, nc, files=[("after.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg")],
                                      description="Records completed and staff trained", expectedVersion=1,
                                      keepEvidence=[kept]))  # fmt: skip
    found = first_finding(amended)
    assert [(a["number"], a["current"]) for a in found["correctiveActions"]] == [(1, False), (2, True)]
    assert found["correctiveActions"][0]["description"] == "Records completed; procedure QP-07 revised"
    current = found["currentCorrectiveAction"]
    assert current["number"] == 2 and [e["filename"] for e in current["evidence"]] == ["records.pdf", "after.jpg"]
    foreign = correction_payload(
        await send_correction(api, nc, expectedVersion=2, keepEvidence=[action["evidence"][1]["id"]])
    )
    assert codes(foreign) == ["INVALID"]  # photo.png belongs to version 1 only, not to the current one

    # The leader sees the current submission before and when verifying; the audit names the version.
    seen = (await api.data(TASK, {"id": task["id"]}, as_user="east.inspector1"))["node"]["result"]
    assert seen["nonconformities"][0]["currentCorrectiveAction"]["description"] == "Records completed and staff trained"
    verify = {"nonconformityId": nc, "method": "WRITTEN", "closed": True, "correctiveAction": "Checked the records"}
    done = (await api.data(VERIFY, {"i": verify}, as_user="east.inspector1"))["verifyCorrection"]
    assert done["userErrors"] == []
    verified = done["task"]["result"]["nonconformities"][0]
    assert verified["verifiedClosed"] is True and verified["currentCorrectiveAction"]["number"] == 2
    entry = await AuditEntry.filter(action="result.verify_correction").order_by("-seq").first()
    assert entry.after["correctiveActionVersion"] == 2
    submitted = await AuditEntry.filter(action="result.corrective_action").order_by("seq")
    assert [(e.after["version"], e.after["late"], len(e.after["evidence"])) for e in submitted] == [
        (1, False, 2),
        (2, False, 2),
    ]

    before = await row_counts()
    closed = correction_payload(await send_correction(api, nc, description="One more thing", expectedVersion=2))
    assert codes(closed) == ["CONFLICT"] and closed["task"] is None  # verified: no more amendments
    assert await row_counts() == before


async def test_a_late_submission_is_kept_and_flagged_and_the_deadline_still_decides(api):
    _task, nc = await submitted_finding(api, "E002")
    await NonConformity.filter(id=from_global_id(nc)[1]).update(correction_due=clock.today() - timedelta(days=1))
    found = correction_payload(await send_correction(api, nc, as_user="ent.E002"))
    assert found["userErrors"] == []
    action = found["task"]["result"]["nonconformities"][0]["currentCorrectiveAction"]
    assert action["late"] is True and action["number"] == 1
    assert found["task"]["result"]["effectiveConclusion"] == "FAIL"
    # Due today is still on time (the service's calendar date).
    _task, nc = await submitted_finding(api, "E003")
    await NonConformity.filter(id=from_global_id(nc)[1]).update(correction_due=clock.today())
    on_time = first_finding(correction_payload(await send_correction(api, nc, as_user="ent.E003")))
    assert on_time["currentCorrectiveAction"]["late"] is False


async def test_without_a_submission_verification_works_as_before(api):
    _task, nc = await submitted_finding(api)
    verify = {"nonconformityId": nc, "method": "WRITTEN", "closed": True, "correctiveAction": "Seen on site photos"}
    done = (await api.data(VERIFY, {"i": verify}, as_user="east.inspector1"))["verifyCorrection"]
    found = done["task"]["result"]["nonconformities"][0]
    assert found["correctiveAction"] == "Seen on site photos" and found["currentCorrectiveAction"] is None
    assert found["correctiveActions"] == []
    entry = await AuditEntry.filter(action="result.verify_correction").order_by("-seq").first()
    assert entry.after["correctiveActionVersion"] is None


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("ent.E002", "NOT_FOUND"),  # another factory's enterprise: as if there were no such finding
        ("ent.S001", "NOT_FOUND"),
        ("south.planner", "NOT_FOUND"),
        ("agency.de.inspector", "NOT_FOUND"),
        ("east.inspector1", "FORBIDDEN"),  # the leader reads the finding but does not answer it
        ("east.planner", "FORBIDDEN"),
        ("east.reviewer", "FORBIDDEN"),
        ("hq.planner", "FORBIDDEN"),
    ],
)
async def test_only_the_inspected_enterprise_submits(api, login, expected):
    _task, nc = await submitted_finding(api)
    before = await row_counts()
    response = await send_correction(api, nc, as_user=login)
    if expected == "FORBIDDEN":
        assert error_codes(response) == ["FORBIDDEN"], response
        assert response["data"] is None or response["data"]["submitCorrectiveAction"] is None
    else:
        payload = correction_payload(response)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "nonconformityId"])]
        assert payload["task"] is None
        missing = correction_payload(await send_correction(api, to_global_id("Nonconformity", 999_999), as_user=login))
        assert payload["userErrors"][0]["message"] == missing["userErrors"][0]["message"]
    assert await row_counts() == before


async def test_a_foreign_enterprise_sees_nothing_of_the_findings_or_their_evidence(api):
    task, nc = await submitted_finding(api)
    found = first_finding(
        correction_payload(await send_correction(api, nc, files=[("records.pdf", PDF, "application/pdf")]))
    )
    url = found["currentCorrectiveAction"]["evidence"][0]["downloadUrl"]
    assert (await api.data(TASK, {"id": task["id"]}, as_user="ent.E002"))["node"] is None
    own = await download(api, url, "ent.E001")
    assert own.status_code == 200 and own.content == PDF
    assert (await download(api, url, "east.inspector1")).status_code == 200  # staff as for any document
    missing = await download(api, "/documents/999999", "ent.E002")
    for login in ("ent.E002", "south.planner", "lab.east1", "agency.de.inspector"):
        got = await download(api, url, login)
        assert (
            (got.status_code, got.json())
            == (missing.status_code, missing.json())
            == (
                404,
                {"error": "no such document", "code": "NOT_FOUND"},
            )
        ), login


async def test_the_enterprise_downloads_its_evidence_and_nothing_else_new(api):
    """The verification report (0402.05) stays internal: the enterprise's new right is its evidence only."""
    _task, nc = await submitted_finding(api)
    query = """mutation($i: VerifyCorrectionInput!) { verifyCorrection(input: $i) {
      task { result { nonconformities { verificationReportUrl } } } userErrors { code } } }"""
    body = {"nonconformityId": nc, "method": "ON_SITE", "closed": True, "correctiveAction": "Fixed", "report": None}
    response = await api.upload(query, {"i": body}, {"i.report": ("0402.05.pdf", PDF, "application/pdf")},
                                as_user="east.inspector1")  # fmt: skip
    report = response["data"]["verifyCorrection"]["task"]["result"]["nonconformities"][0]["verificationReportUrl"]
    assert (await download(api, report, "east.inspector1")).status_code == 200
    assert (await download(api, report, "ent.E001")).status_code == 404


@pytest.mark.parametrize(
    ("files", "fields", "code", "field"),
    [
        ([("tool.exe", b"MZ\x90\x00 an executable", "application/pdf")], {}, "INVALID", ["input", "evidence", "0"]),
        ([("ok.pdf", PDF, "application/pdf"), ("page.html", b"<html>", "text/html")], {}, "INVALID",
         ["input", "evidence", "1"]),
        ([("empty.pdf", b"", "application/pdf")], {}, "REQUIRED", ["input", "evidence", "0"]),
        ([("big.pdf", b"%PDF-" + b"x" * 50_000, "application/pdf")], {}, "TOO_LONG", ["input", "evidence", "0"]),
        ([(f"p{n}.png", PNG, "image/png") for n in range(11)], {}, "INVALID", ["input", "evidence"]),
        ([], {"description": "   "}, "REQUIRED", ["input", "description"]),
        ([], {"description": "x" * 5001}, "TOO_LONG", ["input", "description"]),
        ([], {"keepEvidence": [to_global_id("Document", 1)]}, "INVALID", ["input", "keepEvidence"]),
    ],
)  # fmt: skip
async def test_bad_input_is_a_user_error_and_writes_nothing(api, files, fields, code, field):
    _task, nc = await submitted_finding(api)
    before = await row_counts()
    payload = correction_payload(await send_correction(api, nc, files=files, **fields))
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], payload["userErrors"]
    assert payload["task"] is None
    assert await row_counts() == before


async def test_refused_outside_the_correction_window_and_for_an_older_result(api):
    task, nc = await submitted_finding(api)
    task = ok(await review(api, task, "RETURN", "Describe the finding better"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC]))  # a new result: new findings
    stale = correction_payload(await send_correction(api, nc))
    assert codes(stale) == ["CONFLICT"]
    fresh = task["result"]["nonconformities"][0]["id"]
    assert (
        first_finding(correction_payload(await send_correction(api, fresh)))["currentCorrectiveAction"]["number"] == 1
    )
    returned = ok(await review(api, task, "RETURN", "Once more"))
    assert returned["status"] == "RETURNED"  # still correctable while returned
    assert (
        first_finding(
            correction_payload(await send_correction(api, fresh, expectedVersion=1, description="补充整改 more"))
        )["currentCorrectiveAction"]["number"]
        == 2
    )


async def test_an_idempotent_replay_returns_the_first_answer(api):
    _task, nc = await submitted_finding(api)
    key = str(uuid.uuid4())
    files = [("records.pdf", PDF, "application/pdf")]
    first = first_finding(correction_payload(await send_correction(api, nc, files=files, idempotencyKey=key)))
    before = await row_counts()
    replayed = first_finding(correction_payload(await send_correction(api, nc, files=files, idempotencyKey=key)))
    assert replayed == first and await row_counts() == before
    other = correction_payload(
        await send_correction(api, nc, files=[("photo.png", PNG, "image/png")], idempotencyKey=key)
    )
    assert [(e["code"], e["field"]) for e in other["userErrors"]] == [("CONFLICT", ["input", "idempotencyKey"])]
    assert await row_counts() == before


PAGE = f"""query {{ tasks(first: 50) {{ nodes {{ id result {{ {FINDINGS} }} }} }} }}"""


async def test_reading_corrective_actions_over_a_page_of_tasks_stays_flat(api):
    async def statements() -> int:
        await api.data(PAGE, as_user="east.planner")
        with api.count_queries() as counter:
            data = await api.data(PAGE, as_user="east.planner")
        with_actions = [t for t in data["tasks"]["nodes"] if t["result"] and t["result"]["nonconformities"]]
        assert with_actions and all(
            n["correctiveActions"] for t in with_actions for n in t["result"]["nonconformities"]
        )
        return len([s for s in counter.statements if "policy" not in s.lower()])

    async def corrected(code: str) -> None:
        _, nc = await submitted_finding(api, code)
        files = [("records.pdf", PDF, "application/pdf"), ("photo.png", PNG, "image/png")]
        first_finding(correction_payload(await send_correction(api, nc, files=files, as_user=f"ent.{code}")))
        first_finding(correction_payload(await send_correction(api, nc, expectedVersion=1, as_user=f"ent.{code}")))

    await corrected("E001")
    one = await statements()
    for code in ("E002", "E003", "E004"):
        await corrected(code)
    assert await statements() == one


async def test_an_unannounced_task_shows_nothing_before_it_starts_then_its_findings_are_answered(api):
    task = ok(await create(api, "E004", "ROUTINE_UNANNOUNCED", as_user="east.planner"))
    task = ok(await assign(api, ok(await issue(api, task, as_user="east.planner")), "east.inspector1",
                           as_user="east.planner"))  # fmt: skip
    assert (await api.data(TASK, {"id": task["id"]}, as_user="ent.E004"))["node"] is None
    task = ok(await start(api, task, as_user="east.inspector1"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC]))
    nc = task["result"]["nonconformities"][0]["id"]
    assert (
        first_finding(correction_payload(await send_correction(api, nc, as_user="ent.E004")))[
            "currentCorrectiveAction"
        ]["number"]
        == 1
    )
    assert codes(correction_payload(await send_correction(api, nc, as_user="ent.E001"))) == ["NOT_FOUND"]
