"""Attacks on the enterprise's corrective actions (issue 13, D): a return and resubmission,
odd ids, files dressed as other types, downloads. Each test outside TestHolds pins a defect
an outside attack found, now fixed."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest

from schema.relay import to_global_id
from server.settings import Settings
from tests.api.checklist_support import PNG as ITEM_PNG
from tests.api.checklist_support import answer, checklist
from tests.api.corrective_support import (
    PNG,
    TASK,
    correction_payload,
    download,
    first_finding,
    row_counts,
    send_correction,
    submitted_finding,
)
from tests.api.results_support import NC, review, submit
from tests.api.tasks_support import get, ok
from tests.client import error_codes

LEADER = "east.inspector1"


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(
        Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"), max_upload_bytes=50_000
    )


def _codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_a_return_and_resubmission_keeps_the_enterprises_corrective_action(api):
    """Was: after a return and resubmission the findings were new rows without the enterprise's
    corrective action, so the leader verifying never saw it. Now it carries over to the same finding."""
    task, nc = await submitted_finding(api)
    first_finding(correction_payload(await send_correction(api, nc)))
    task = ok(await review(api, await get(api, task["id"], as_user="east.reviewer"), "RETURN", "Add the photos"))
    resubmitted = ok(await submit(api, await get(api, task["id"], as_user=LEADER), "PASS_AFTER_CORRECTION",
                                  [NC]))  # the same finding again  # fmt: skip
    assert resubmitted["status"] == "RESULTS_SUBMITTED"
    seen = (await api.data(TASK, {"id": task["id"]}, as_user=LEADER))["node"]["result"]["nonconformities"]
    assert seen[0]["currentCorrectiveAction"] is not None


async def test_a_zip_dressed_as_docx_is_refused(api):
    """Was: any ZIP archive (here an HTML page and a script) passed as a DOCX, only its 'PK' header
    being checked. Now a DOCX/XLSX must be an Office package."""
    _task, nc = await submitted_finding(api)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("index.html", "<script>alert(1)</script>")
        z.writestr("run.sh", "#!/bin/sh\nrm -rf ~\n")
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    before = await row_counts()
    got = correction_payload(await send_correction(api, nc, files=[("fix.docx", buffer.getvalue(), docx)]))
    assert _codes(got) == ["INVALID"]
    assert await row_counts() == before


async def test_an_unchanged_amendment_adds_no_version(api):
    """Was: re-sending the current corrective action unchanged added version 2 (and a late flag past
    the deadline). Now the same content again changes nothing."""
    _task, nc = await submitted_finding(api)
    first = first_finding(correction_payload(await send_correction(api, nc)))
    assert first["currentCorrectiveAction"]["number"] == 1
    again = first_finding(correction_payload(await send_correction(api, nc, expectedVersion=1)))
    assert [a["number"] for a in again["correctiveActions"]] == [1]


class TestHolds:
    async def test_odd_ids_are_not_found_and_write_nothing(self, api):
        _task, nc = await submitted_finding(api)
        before = await row_counts()
        for bad in (to_global_id("Nonconformity", 2**31 - 1), to_global_id("Task", 1), "junk==", "-1",
                    to_global_id("ChecklistItem", 1)):  # fmt: skip
            got = correction_payload(await send_correction(api, bad))
            assert _codes(got) == ["NOT_FOUND"], bad
        for bad in (to_global_id("Document", 2**31 - 1), to_global_id("Task", 1), "junk"):
            got = correction_payload(await send_correction(api, nc, keepEvidence=[bad]))
            assert _codes(got) in (["NOT_FOUND"], ["INVALID"]), bad
        assert await row_counts() == before

    async def test_the_enterprise_never_downloads_the_teams_checklist_evidence(self, api):
        from tests.api.results_support import running_task

        await submitted_finding(api)  # E001 has findings: it is no stranger to the service
        running = await running_task(api, "E003")
        item = (await checklist(api, running["id"], as_user=LEADER))[0]
        done = await answer(api, item, as_user=LEADER, files=[(ITEM_PNG, "site.png", "image/png", {})])
        url = done["item"]["evidence"][0]["document"]["downloadUrl"]
        assert (await download(api, url, LEADER)).status_code == 200
        for login in ("ent.E003", "ent.E001", "south.planner"):
            assert (await download(api, url, login)).status_code == 404, login

    async def test_a_foreign_enterprise_cannot_download_corrective_evidence(self, api):
        _task, nc = await submitted_finding(api)
        got = first_finding(correction_payload(await send_correction(api, nc, files=[("p.png", PNG, "image/png")])))
        url = got["currentCorrectiveAction"]["evidence"][0]["downloadUrl"]
        assert (await download(api, url, "ent.E001")).status_code == 200
        for login in ("ent.E002", "ent.S001", "agency.de.inspector", "south.planner"):
            assert (await download(api, url, login)).status_code == 404, login
        assert error_codes(await api.run(TASK, {"id": _task["id"]}, as_user="ent.E002")) in ([], ["NOT_FOUND"])
