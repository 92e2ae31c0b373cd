"""The task's file: forms, completeness, archiving by the entitled unit, read-only archived
records, digitised bundles (download and CLI), person-days (issue 6)."""

import io
import os
import subprocess
import sys
import zipfile

from schema.relay import from_global_id
from server.demo_world import STAFF
from services.archive.bundle import verify_bundle
from tests.api.archive_support import (
    ARCHIVE,
    FORM,
    PDF,
    attach,
    documents_in_tmp_settings,  # noqa: F401
)
from tests.api.results_support import NC, codes, decide, mutate, review, running_task, submit
from tests.api.tasks_support import ok
from tests.client import error_codes


async def decided_with_correction(
    api, code="E001", *, planner="east.planner", leader="east.inspector1", reviewer="east.reviewer",
    decider="east.decider",
) -> dict:  # fmt: skip
    """Decided after a correction verified on site (the 0402.05 report is on file)."""
    task = await running_task(api, code, planner=planner, leader=leader)
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC], as_user=leader))
    nc = task["result"]["nonconformities"][0]
    verify = """mutation($i: VerifyCorrectionInput!) { verifyCorrection(input: $i) { userErrors { code } } }"""
    body = {"nonconformityId": nc["id"], "method": "ON_SITE", "closed": True, "correctiveAction": "Fixed",
            "report": None}  # fmt: skip
    done = await api.upload(verify, {"i": body}, {"i.report": ("v.pdf", PDF, "application/pdf")}, as_user=leader)
    assert done["data"]["verifyCorrection"]["userErrors"] == []
    days = {"taskId": task["id"], "expectedVersion": task["version"], "entries": [{"login": leader, "days": 1.5}]}
    task = ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput", days, as_user=leader))
    return ok(await decide(api, ok(await review(api, task, as_user=reviewer)), as_user=decider))


async def test_completeness_and_archiving(api):
    task = await decided_with_correction(api)
    status = await attach(api, task["id"], "INSPECTION_REPORT")
    c = status["task"]["completeness"]
    assert c["required"] == ["INSPECTION_REPORT", "NC_REPORT", "VERIFICATION_REPORT", "INSPECTION_RECORD",
                             "PERSON_DAY_FORM"]  # fmt: skip
    assert c["present"] == ["INSPECTION_REPORT", "VERIFICATION_REPORT"]
    assert c["missing"] == ["NC_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"] and not c["complete"]
    body = {"taskId": task["id"], "expectedVersion": status["task"]["version"]}
    refused = (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert codes(refused) == ["CONFLICT"] and "NC_REPORT" in refused["userErrors"][0]["message"]
    for form, user in (("NC_REPORT", "east.inspector1"), ("INSPECTION_RECORD", "east.archivist"),
                       ("PERSON_DAY_FORM", "east.planner")):  # fmt: skip
        last = await attach(api, task["id"], form, as_user=user)
        assert last["userErrors"] == [], (form, last)
    assert last["task"]["completeness"]["complete"] is True
    assert last["task"]["version"] == body["expectedVersion"]  # filing forms adds records, the task is unchanged
    archived = (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert archived["task"]["status"] == "ARCHIVED" and archived["task"]["archivedAt"]

    late = await attach(api, task["id"], "NC_REPORT")
    assert codes(late) == ["CONFLICT"]  # read-only
    change = {"taskId": task["id"], "expectedVersion": archived["task"]["version"], "conclusion": "FAIL",
              "reason": "Appeal: the correction was not effective"}  # fmt: skip
    amended = ok(await mutate(api, "changeResult", "ChangeResultInput", change, as_user="east.decider"))
    assert amended["status"] == "ARCHIVED"
    history = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { resultHistory { number afterArchive changeReason } } } }",
        {"id": task["id"]}, as_user="east.planner",
    )  # fmt: skip
    assert history["node"]["resultHistory"][-1] == {
        "number": 2, "afterArchive": True, "changeReason": "Appeal: the correction was not effective"
    }  # fmt: skip


async def test_an_inspector_off_the_team_cannot_file_forms(api):
    task = await running_task(api)
    body = {"taskId": task["id"], "form": "INSPECTION_RECORD", "file": None}
    response = await api.upload(FORM, {"i": body}, {"i.file": ("r.pdf", PDF, "application/pdf")},
                                as_user="east.inspector2")  # fmt: skip
    assert error_codes(response) == ["FORBIDDEN"]
    assert (await attach(api, task["id"], "INSPECTION_RECORD", as_user="east.inspector1"))["userErrors"] == []


async def test_archive_is_only_for_the_entitled_unit(api):
    east = await decided_with_correction(api)
    north = await decided_with_correction(api, "N001", planner="hq.planner", leader="hq.inspector",
                                          reviewer="hq.reviewer", decider="hq.decider")  # fmt: skip
    entitled = {east["id"]: {"east.archivist"}, north["id"]: {"hq.archivist"}}
    logins = [login for login, *_ in STAFF] + ["ent.E001", "ent.N001"]
    mismatches = []
    for task_id, allowed in entitled.items():
        for login in logins:
            response = await api.run(ARCHIVE, {"i": {"taskId": task_id, "expectedVersion": 999}}, as_user=login)
            if "errors" in response:
                assert [e["extensions"]["code"] for e in response["errors"]] == ["FORBIDDEN"]
                outcome = "forbidden"
            else:
                payload = response["data"]["archiveTask"]
                assert payload["task"] is None
                outcome = "allowed" if codes(payload) == ["STALE_VERSION"] else codes(payload)[0]
            if (outcome == "allowed") != (login in allowed):
                mismatches.append((task_id, login, outcome))
    assert mismatches == []


async def _archived(api) -> dict:
    task = await decided_with_correction(api)
    for form in ("INSPECTION_REPORT", "NC_REPORT", "INSPECTION_RECORD", "PERSON_DAY_FORM"):
        last = await attach(api, task["id"], form)
    body = {"taskId": task["id"], "expectedVersion": last["task"]["version"]}
    return (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]["task"]


async def test_bundle_download_and_verification(api, settings, world_url, tmp_path):
    task = await _archived(api)
    url = f"/archive/{task['id']}.zip"
    headers = {"authorization": f"Bearer {await api.token('east.archivist')}"}
    response = await api.http.get(url, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert verify_bundle(response.content) == []
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        names = z.namelist()
        manifest = z.read("manifest.json").decode()
    assert len([n for n in names if n.startswith("files/")]) == 5  # four forms and the 0402.05 report
    assert '"outcome": "MAINTAIN"' in manifest and '"action": "task.archive"' in manifest

    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(response.content)) as src, zipfile.ZipFile(damaged, "w") as dst:
        first_file = next(n for n in src.namelist() if n.startswith("files/"))
        for n in src.namelist():
            dst.writestr(n, src.read(n) + (b"tampered" if n == first_file else b""))
    assert any("does not match" in p for p in verify_bundle(damaged.getvalue()))

    for login, status in (("east.inspector1", 403), ("south.planner", 404), ("hq.auditor", 200)):
        got = await api.http.get(url, headers={"authorization": f"Bearer {await api.token(login)}"})
        assert got.status_code == status, login
    unarchived = await running_task(api, "E002")
    got = await api.http.get(f"/archive/{unarchived['id']}.zip", headers=headers)
    assert got.status_code == 409

    # The same bundle from the command line, and its check.
    env = {**os.environ, "DATABASE_URL": world_url, "SURVEIL_DOCUMENT_DIR": settings.document_dir}
    task_number = str(from_global_id(task["id"])[1])
    out = tmp_path / "bundle.zip"
    cli = [sys.executable, "-m", "server.cli"]
    done = subprocess.run([*cli, "archive", "export", task_number, "--out", str(out)], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    checked = subprocess.run([*cli, "archive", "verify", str(out)], env=env, capture_output=True, text=True,
                             check=False)  # fmt: skip
    assert checked.returncode == 0 and "bundle intact" in checked.stdout
    live = subprocess.run([*cli, "archive", "verify", str(out), "--against-db"], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert live.returncode == 0 and "bundle intact" in live.stdout
    bad = tmp_path / "bad.zip"
    bad.write_bytes(damaged.getvalue())
    failed = subprocess.run([*cli, "archive", "verify", str(bad)], env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "PROBLEM" in failed.stdout


async def test_person_days_planned_and_actual(api):
    task = await running_task(api, members=["east.inspector2"])
    plan = {"taskId": task["id"], "expectedVersion": task["version"], "days": 3}
    set_plan = "mutation($i: SetPlannedPersonDaysInput!) { setPlannedPersonDays(input: $i) { userErrors { code } } }"
    assert error_codes(await api.run(set_plan, {"i": plan}, as_user="east.inspector1")) == ["FORBIDDEN"]
    assert (await api.data(set_plan, {"i": plan}, as_user="south.planner"))["setPlannedPersonDays"] == {
        "userErrors": [{"code": "NOT_FOUND"}]
    }
    assert (await api.data(set_plan, {"i": {**plan, "days": 0.3}}, as_user="east.planner"))["setPlannedPersonDays"] == {
        "userErrors": [{"code": "INVALID"}]
    }  # half days only
    task = ok(await mutate(api, "setPlannedPersonDays", "SetPlannedPersonDaysInput", plan, as_user="east.planner"))
    bad = {"taskId": task["id"], "expectedVersion": task["version"],
           "entries": [{"login": "east.inspector1", "days": 1.5}, {"login": "east.reviewer", "days": 1}]}  # fmt: skip
    refused = await mutate(api, "recordPersonDays", "RecordPersonDaysInput", bad, as_user="east.inspector1")
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "entries", "1", "login"], "INVALID")]
    good = {**bad, "entries": [{"login": "east.inspector1", "days": 1.5}, {"login": "east.inspector2", "days": 1}]}
    assert error_codes(await api.run(
        "mutation($i: RecordPersonDaysInput!) { recordPersonDays(input: $i) { userErrors { code } } }", {"i": good},
        as_user="east.inspector2",
    )) == ["FORBIDDEN"]  # the leader accounts  # fmt: skip
    ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput", good, as_user="east.inspector1"))
    shown = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { personDays { planned actual byInspector { login days } } } } }",
        {"id": task["id"]}, as_user="east.planner",
    )  # fmt: skip
    assert shown["node"]["personDays"] == {
        "planned": 3.0, "actual": 2.5,
        "byInspector": [{"login": "east.inspector1", "days": 1.5}, {"login": "east.inspector2", "days": 1.0}],
    }  # fmt: skip
