"""Digitised bundles of archived records (docs/domain.md, 4.10 Archive): entries stay inside
the archive, verification detects a rewritten manifest and reports a malformed one, an
amendment after archiving keeps the bundle verifiable, and only the entitled exporters
download it.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

import hashlib
import io
import json
import zipfile

from schema.relay import to_global_id
from services.archive.bundle import verify_bundle
from tests.api.archive_support import (
    ARCHIVE,
    attach,
    documents_in_tmp_settings,  # noqa: F401
)
from tests.api.results_support import NC, _change, decide, review, running_task, submit
from tests.api.tasks_support import get, ok

PDF = b"%PDF-1.7\n" + b"p" * 300 + b"\n%%EOF"
VERIFY = """mutation($i: VerifyCorrectionInput!) { verifyCorrection(input: $i) {
  task { id version } userErrors { field code } } }"""


async def _archived_with_report_named(api, report_name: str) -> dict:
    """E001 passed after a correction verified on site (its 0402.05 report uploaded under
    `report_name`), decided, with a complete file, archived by the East archivist."""
    task = await running_task(api)
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC]))
    nc = task["result"]["nonconformities"][0]
    body = {"nonconformityId": nc["id"], "method": "ON_SITE", "closed": True, "correctiveAction": "Fixed",
            "report": None}  # fmt: skip
    done = await api.upload(VERIFY, {"i": body}, {"i.report": (report_name, PDF, "application/pdf")},
                            as_user="east.inspector1")  # fmt: skip
    assert done["data"]["verifyCorrection"]["userErrors"] == [], done
    task = await get(api, task["id"], as_user="east.planner")
    task = ok(await decide(api, ok(await review(api, task))))
    for form in ("INSPECTION_REPORT", "NC_REPORT", "INSPECTION_RECORD"):
        last = await attach(api, task["id"], form)
        assert last["userErrors"] == [], last
    body = {"taskId": task["id"], "expectedVersion": last["task"]["version"]}
    archived = (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]
    assert archived["userErrors"] == [], archived
    return archived["task"]


async def _bundle(api, task_id: str, login="east.archivist"):
    headers = {"authorization": f"Bearer {await api.token(login)}"}
    return await api.http.get(f"/archive/{task_id}.zip", headers=headers)


async def test_bundle_entries_cannot_escape_the_archive(api):
    # Regression (fixed in cd0b10e): the on-site verification report's file name is stored as sent
    # (submit._store_report cleans control characters but keeps the path), and bundle.build_bundle writes it into
    # the zip as files/NNNNNN-<name>: "../../.." entries (zip slip) for whoever extracts the bundle.
    task = await _archived_with_report_named(api, "../../../../home/archivist/.bashrc")
    response = await _bundle(api, task["id"])
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        names = z.namelist()
    escaping = [n for n in names if n.startswith("/") or ".." in n.split("/") or "\\" in n]
    assert escaping == [], escaping


def _rezip(original: bytes, manifest_edit=None, files_edit=None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(original)) as src:
        contents = {n: src.read(n) for n in src.namelist()}
    manifest = json.loads(contents.pop("manifest.json"))
    if manifest_edit:
        manifest_edit(manifest, contents)
    if files_edit:
        files_edit(manifest, contents)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        dst.writestr("manifest.json", json.dumps(manifest))
        for name, data in contents.items():
            dst.writestr(name, data)
    return out.getvalue()


async def test_bundle_verification_detects_a_rewritten_manifest(api):
    # Regression (fixed in cd0b10e): domain/bundle.py verify() only checks files against the manifest's own
    # hashes and each audit record against itself. The manifest is not bound to anything: the decision and the
    # results can be rewritten, and a file swapped (manifest hash updated) or dropped, although the audit trail in
    # the same bundle records the decision and every filed form's SHA-256.
    task = await _archived_with_report_named(api, "0402.05.pdf")
    original = (await _bundle(api, task["id"])).content
    assert verify_bundle(original) == []

    def outcome(m, _):
        m["decision"]["outcome"] = "REVOKE"

    def conclusion(m, _):
        m["results"][0]["conclusion"] = "FAIL"

    def swap(m, files):
        entry = next(f for f in m["files"] if f["form"] == "NC_REPORT")
        forged = b"%PDF-1.7 forged corrective-action evidence"
        files[entry["path"]] = forged
        entry["sha256"], entry["size"] = hashlib.sha256(forged).hexdigest(), len(forged)

    def drop(m, files):
        entry = next(f for f in m["files"] if f["form"] == "NC_REPORT")
        m["files"].remove(entry)
        del files[entry["path"]]

    accepted = [
        name
        for name, edit in (("decision", outcome), ("conclusion", conclusion), ("swapped", swap), ("dropped", drop))
        if verify_bundle(_rezip(original, edit)) == []
    ]
    assert accepted == [], f"tampered bundles reported intact: {accepted}"


async def test_bundle_verification_reports_malformed_manifests(backend):
    # Regression (fixed in cd0b10e): verify() indexes manifest entries without checking them: a manifest that
    # is not an object, a file entry without "sha256", an audit record without "prev_hash" raise
    # AttributeError/KeyError (a traceback from `surveil archive verify`) instead of problems.
    good = {"format": "surveil-archive/1", "files": [], "auditTrail": []}
    cases = {
        "list manifest": (["surveil-archive/1"], {}),
        "file without hash": ({**good, "files": [{"path": "files/x.pdf"}]}, {"files/x.pdf": PDF}),
        "record without links": ({**good, "auditTrail": [{"seq": 1, "hash": "0" * 64}]}, {}),
        "files not a list": ({**good, "files": "files/x.pdf"}, {}),
    }
    crashed = {}
    for name, (manifest, files) in cases.items():
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("manifest.json", json.dumps(manifest))
            for path, data in files.items():
                z.writestr(path, data)
        try:
            assert verify_bundle(out.getvalue()), name
        except (AttributeError, KeyError, TypeError) as exc:
            crashed[name] = type(exc).__name__
    assert crashed == {}


async def test_bundle_download_is_for_the_entitled_exporters_only(api):
    task = await _archived_with_report_named(api, "0402.05.pdf")
    seen = {}
    for login in ("east.archivist", "hq.archivist", "hq.auditor", "east.decider", "east.planner", "south.planner",
                  "hq.planner", "ent.E001", "ent.E002", "agency.de.inspector", "lab.east1", "buyer.east"):  # fmt: skip
        seen[login] = (await _bundle(api, task["id"], login)).status_code
    assert seen == {
        "east.archivist": 200, "hq.archivist": 200, "hq.auditor": 200, "east.decider": 403, "east.planner": 403,
        "south.planner": 404, "hq.planner": 403, "ent.E001": 403, "ent.E002": 404, "agency.de.inspector": 404,
        "lab.east1": 404, "buyer.east": 404,
    }  # fmt: skip
    headers = {"authorization": f"Bearer {await api.token('east.archivist')}"}
    for bad in ("x", to_global_id("Factory", 1), to_global_id("Task", 2**31 - 1), "VGFzazo5OTk5OTk5OTk5OQ"):
        got = await api.http.get(f"/archive/{bad}.zip", headers=headers)
        assert got.status_code == 404, bad
    assert (await api.http.get(f"/archive/{task['id']}.zip")).status_code == 401


async def test_an_amendment_after_archiving_keeps_the_bundle_verifiable(api):
    task = await _archived_with_report_named(api, "0402.05.pdf")
    amended = await _change(api, task, reason="Appeal: the correction was not effective")
    assert amended["userErrors"] == [] and amended["task"]["status"] == "ARCHIVED"
    response = await _bundle(api, task["id"])
    assert response.status_code == 200
    assert verify_bundle(response.content) == []
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    assert [(r["number"], r["afterArchive"]) for r in manifest["results"]] == [(1, False), (2, True)]
