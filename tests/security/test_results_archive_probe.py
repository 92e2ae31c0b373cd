"""Adversarial probes of results, decisions, disputes, spot checks (issue 5) and of the archive,
bundles, person-days, monitoring and common problems (issue 6), through GraphQL and the
/archive download route.

Each test states the correct behaviour. ``# Found in review`` marks a bug the probe found
(since fixed); the others document behaviour that held when probed."""

import dataclasses
import hashlib
import io
import json
import zipfile
from datetime import date, timedelta

import pytest

from schema.relay import from_global_id, to_global_id
from server.demo_world import STAFF
from server.settings import Settings
from services.archive.bundle import verify_bundle
from store.models import Certificate, CertificateStatusChange, Decision, Document, NonConformity
from tests.api.results_support import (
    NC,
    SERIOUS,
    codes,
    decide,
    grant,
    mutate,
    review,
    reviewed_task,
    running_task,
    submit,
)
from tests.api.tasks_support import assign, certificate_ids, create, get, issue, ok, start
from tests.api.test_archive import ARCHIVE, attach
from tests.api.test_result_changes_disputes_spot_checks import _relocation_with_failed_marking_sample
from tests.api.test_samples import _sample_under_test
from tests.client import error_codes

PDF = b"%PDF-1.7\n" + b"p" * 300 + b"\n%%EOF"
SPOT = """mutation($i: RecordSpotCheckInput!) { recordSpotCheck(input: $i) {
  certificate { status } userErrors { field code } } }"""
VERIFY = """mutation($i: VerifyCorrectionInput!) { verifyCorrection(input: $i) {
  task { id version } userErrors { field code } } }"""
LAB_REPORT = """mutation($i: SubmitLabReportInput!) { submitLabReport(input: $i) {
  sample { status } userErrors { field code } } }"""
STATS = """query($unit: String, $from: Date!, $to: Date!) { monitoring(unitCode: $unit, dateFrom: $from, dateTo: $to) {
  completed results overdue } }"""
FILE_PROBLEM = """mutation($i: FileProblemReportInput!) { fileProblemReport(input: $i) {
  report { id } userErrors { field code } } }"""
PLANNED = "mutation($i: SetPlannedPersonDaysInput!) { setPlannedPersonDays(input: $i) { userErrors { code } } }"
POST_MESSAGE = "mutation($i: PostProblemMessageInput!) { postProblemMessage(input: $i) { userErrors { code } } }"
PROBLEMS = """query($n: Int!) { problemReports(first: $n) { totalCount nodes { id unitCode title status filedBy
  taskIds messages { author fromHq text } } } }"""


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"))


def _statements(counter) -> int:
    """SQL sent for the request itself (the policy cache's periodic revision check aside)."""
    return len([s for s in counter.statements if "policy" not in s.lower()])


async def _change(api, task, *, as_user="east.decider", **fields) -> dict:
    body = {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "FAIL",
            "reason": "Appeal upheld", **fields}  # fmt: skip
    return await mutate(api, "changeResult", "ChangeResultInput", body, as_user=as_user)


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


# --- Independence -------------------------------------------------------------------------


async def test_a_team_member_who_also_decides_cannot_change_the_result(api):
    # Found in review (fixed in cd0b10e): services/results/decide.py change_result never calls check_independence.
    # Changing a decided result is a decision (only the unit that may decide it, DOMAIN §5.10), yet the team
    # leader, once also a decision maker, rewrites the verdict on his own inspection.
    await grant(api, "east.inspector1", "DECIDER", "east")
    task = ok(await decide(api, await reviewed_task(api, "E001", "FAIL", [SERIOUS]), "SUSPEND", "FAILED_INSPECTION"))
    own = await _change(api, task, as_user="east.inspector1", conclusion="PASS_AFTER_CORRECTION",
                        reason="Our finding was too harsh")  # fmt: skip
    assert codes(own) == ["CONFLICT"], own


async def test_a_reviewer_of_the_task_does_not_decide_it(api):
    # Found in review (fixed in cd0b10e): decide() checks independence only against the reviewer who *agreed* on
    # the current result version (facts.agreeing_reviewer). A reviewer who reviewed (and returned) the task
    # earlier is still "the reviewer of the task" (§6) but may then take the decision.
    await grant(api, "east.archivist", "REVIEWER", "east")
    await grant(api, "east.reviewer", "DECIDER", "east")
    task = ok(await submit(api, await running_task(api, "E002"), "FAIL", [NC]))
    task = ok(await review(api, task, "RETURN", "Describe the finding better", as_user="east.reviewer"))
    task = ok(await submit(api, task, "FAIL", [{**NC, "description": "Incoming inspection records missing"}]))
    task = ok(await review(api, task, as_user="east.archivist"))
    refused = await decide(api, task, "SUSPEND", "FAILED_INSPECTION", as_user="east.reviewer")
    assert codes(refused) == ["CONFLICT"], refused


async def test_the_sampling_part_inspector_does_not_decide_the_whole(api):
    # Found in review (fixed in cd0b10e): facts.team_ids() only looks at the task's own team, while the decision
    # is taken on the task *and its parts* (facts.family: the sampling part's failed lab report decides the
    # relocation). The inspector who took the failing sample, once a decision maker, decides it.
    await grant(api, "east.inspector2", "DECIDER", "east")
    task = await _relocation_with_failed_marking_sample(api)  # inspector2 sampled, inspector1 inspected
    task = ok(await mutate(api, "assessRisk", "AssessRiskInput", {
        "taskId": task["id"], "expectedVersion": task["version"], "level": "HIGH",
        "recommendation": "Marking failure at the new site"}, as_user="east.reviewer"))  # fmt: skip
    refused = await decide(api, task, "SUSPEND", "FAILED_SAMPLING", as_user="east.inspector2")
    assert codes(refused) == ["CONFLICT"], refused


async def test_removed_members_and_buyers_stay_dependent(api):
    """A decider removed from the team before the start, or a reviewer who is the sampling task's
    buyer, is still refused."""
    await grant(api, "east.inspector2", "DECIDER", "east")
    task = ok(await issue(api, ok(await create(api, "E003", as_user="east.planner")), as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", ["east.inspector2"], as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", [], as_user="east.planner", reason="Needed elsewhere"))
    task = ok(await start(api, task, as_user="east.inspector1"))
    task = ok(await review(api, ok(await submit(api, task))))
    assert codes(await decide(api, task, as_user="east.inspector2")) == ["CONFLICT"]
    assert ok(await decide(api, task))["status"] == "DECIDED"


# --- Status machine -----------------------------------------------------------------------


async def test_status_machine_holds(api):
    """No change before the decision, no second decision, no resubmission after the review
    agreed, no verification of an older version's finding, nothing but amendments once archived."""
    task = ok(await submit(api, await running_task(api, "E004"), "PASS_AFTER_CORRECTION", [NC]))
    old_nc = task["result"]["nonconformities"][0]["id"]
    assert codes(await _change(api, task)) == ["CONFLICT"]  # not decided yet
    task = ok(await review(api, task, "RETURN", "Add the evidence"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC]))
    stale = {"nonconformityId": old_nc, "method": "WRITTEN", "closed": True, "correctiveAction": "Done"}
    assert codes(await mutate(api, "verifyCorrection", "VerifyCorrectionInput", stale,
                              as_user="east.inspector1")) == ["CONFLICT"]  # fmt: skip
    fresh = {**stale, "nonconformityId": task["result"]["nonconformities"][0]["id"]}
    task = ok(await mutate(api, "verifyCorrection", "VerifyCorrectionInput", fresh, as_user="east.inspector1"))
    task = ok(await review(api, task))
    assert codes(await submit(api, task)) == ["CONFLICT"]  # the review agreed
    task = ok(await decide(api, task))
    assert codes(await decide(api, task, "REVOKE")) == ["CONFLICT"]  # decided once
    assert await Decision.filter(task_id=from_global_id(task["id"])[1]).count() == 1


# --- Partial writes -----------------------------------------------------------------------


async def test_a_decision_moves_all_certificates_or_none(api):
    """E002's second certificate is revoked by three spot-check failures while its task waits for
    the decision; suspending both then fails on it, and the first one must not move either."""
    certs = sorted(await certificate_ids(api, "E002"), key=lambda g: from_global_id(g)[1])
    task = await reviewed_task(api, "E002", "FAIL", [SERIOUS])
    for n in range(3):
        body = {"certificateId": certs[1], "level": "NATIONAL", "checkedOn": f"2025-0{n + 1}-01",
                "passed": False, "reference": f"GJ-2025-{n}"}  # fmt: skip
        spot = (await api.data(SPOT, {"i": body}, as_user="east.planner"))["recordSpotCheck"]
        assert spot["userErrors"] == []
    assert spot["certificate"]["status"] == "REVOKED"
    first = from_global_id(certs[0])[1]
    history = await CertificateStatusChange.filter(certificate_id=first).count()
    refused = await decide(api, task, "SUSPEND", "FAILED_INSPECTION")
    assert refused["userErrors"] and refused["task"] is None
    assert (await Certificate.get(id=first)).status == "VALID"
    assert await CertificateStatusChange.filter(certificate_id=first).count() == history
    assert (await get(api, task["id"], as_user="east.planner"))["status"] == "REVIEWED"
    assert not await Decision.filter(task_id=from_global_id(task["id"])[1]).exists()


# --- Samples still at the lab -------------------------------------------------------------


async def _decided_with_sample_at_lab(api):
    """E001's sampling task: result, review and decision while its sample is still under test.
    Returns (task, sample), or None once some step refuses to go on without the lab's report."""
    sample = await _sample_under_test(api, "E001")
    task = (await api.data("{ tasks(first: 5, filter: {status: IN_PROGRESS}) { nodes { id version } } }",
                           as_user="east.inspector1"))["tasks"]["nodes"][0]  # fmt: skip
    task = await get(api, task["id"], as_user="east.planner")
    for step in (lambda t: submit(api, t), lambda t: review(api, t), lambda t: decide(api, t, "MAINTAIN")):
        payload = await step(task)
        if payload["userErrors"]:
            return None
        task = payload["task"]
    return task, sample


async def test_no_decision_while_the_sample_is_still_at_the_lab(api):
    # Found in review (fixed in cd0b10e): nothing in submit/review/decide looks at the task's samples: a sampling
    # task is maintained while its sample is still under test, and the failing report that arrives next changes
    # nothing (facts.lab_findings only sees reports already in).
    assert await _decided_with_sample_at_lab(api) is None


async def test_an_archived_record_takes_no_lab_report(api):
    # Found in review (fixed in cd0b10e): services/samples.py submit_report never looks at the task's status: the
    # lab adds a report and its document to an ARCHIVED (read-only) record, changing the bundle afterwards.
    found = await _decided_with_sample_at_lab(api)
    if found is None:  # the decision waits for the lab: the record cannot be archived early
        return
    task, sample = found
    for form in ("SAMPLING_TEST_REPORT", "SAMPLING_NOTICE"):
        last = await attach(api, task["id"], form)
    body = {"taskId": task["id"], "expectedVersion": last["task"]["version"]}
    assert (await api.data(ARCHIVE, {"i": body}, as_user="east.archivist"))["archiveTask"]["userErrors"] == []
    documents = await Document.filter(task_id=from_global_id(task["id"])[1]).count()
    report = {"sampleId": sample["id"], "expectedVersion": 4, "items": [{"item": "marking", "passed": False}],
              "conclusionPassed": False}  # fmt: skip
    late = (await api.data(LAB_REPORT, {"i": report}, as_user="lab.east2"))["submitLabReport"]
    assert codes(late) == ["CONFLICT"], late
    assert await Document.filter(task_id=from_global_id(task["id"])[1]).count() == documents


# --- Result changes -----------------------------------------------------------------------


async def test_a_changed_result_obeys_the_result_rules(api):
    # Found in review (fixed in cd0b10e): change_result skips check_result and clean_text: a pass without findings
    # becomes "pass after correction" with nothing to correct (submitResults refuses exactly that), and the
    # summary takes control characters (a NUL byte: stored on SQLite, a 500 on PostgreSQL).
    task = ok(await decide(api, await reviewed_task(api, "E005")))
    nul = await api.run(
        "mutation($i: ChangeResultInput!) { changeResult(input: $i) { userErrors { field code } } }",
        {"i": {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "FAIL",
               "summary": "Late lab evidence\u0000", "reason": "Appeal upheld"}}, as_user="east.decider",
    )  # fmt: skip
    assert "errors" not in nul, nul
    assert nul["data"]["changeResult"]["userErrors"] == [{"field": ["input", "summary"], "code": "INVALID"}]
    empty = await _change(api, task, conclusion="PASS_AFTER_CORRECTION", summary="Corrections were needed")
    assert codes(empty) == ["INVALID"], empty


# --- Bundles ------------------------------------------------------------------------------


async def test_bundle_entries_cannot_escape_the_archive(api):
    # Found in review (fixed in cd0b10e): the on-site verification report's file name is stored as sent
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
    # Found in review (fixed in cd0b10e): domain/bundle.py verify() only checks files against the manifest's own
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
    # Found in review (fixed in cd0b10e): verify() indexes manifest entries without checking them: a manifest that
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


# --- Malformed inputs ---------------------------------------------------------------------


async def test_malformed_inputs_are_user_errors_not_crashes(api):
    # Found in review (fixed in cd0b10e): resolvers/archive.py monitoring lets the DomainError of
    # services/archive/monitoring.py escape a *query* (no userErrors there): an inverted period answers
    # INTERNAL_SERVER_ERROR; and a period ending 9999-12-31 overflows in _turnaround's _next(date_to)
    # (OverflowError, masked).
    task = await running_task(api, "E006")
    tid = task["id"]
    probes = [
        ("inverted period", STATS, {"unit": "east", "from": "2026-12-31", "to": "2026-01-01"}, "east.planner"),
        ("last day", STATS, {"unit": None, "from": "9999-12-01", "to": "9999-12-31"}, "hq.auditor"),
        ("ten years", STATS, {"unit": None, "from": "1900-01-01", "to": "2100-01-01"}, "hq.auditor"),
        ("nan days", PLANNED,
         {"i": {"taskId": tid, "expectedVersion": task["version"], "days": float("nan")}}, "east.planner"),
        ("huge days", PLANNED,
         {"i": {"taskId": tid, "expectedVersion": task["version"], "days": 1e308}}, "east.planner"),
        ("actual days", "mutation($i: RecordPersonDaysInput!) { recordPersonDays(input: $i) { userErrors { code } } }",
         {"i": {"taskId": tid, "expectedVersion": task["version"],
                "entries": [{"login": "east.inspector1\u0000", "days": 0.5}]}}, "east.inspector1"),
        ("old spot check", SPOT, {"i": {"certificateId": (await certificate_ids(api, "E006"))[0], "level": "NATIONAL",
                                        "checkedOn": "0001-01-01", "passed": False, "reference": "X"}}, "east.planner"),
        ("dispute as task", "mutation($i: SettleDisputeInput!) { settleDispute(input: $i) { userErrors { code } } }",
         {"i": {"disputeId": tid, "expectedVersion": 1, "settlement": "x"}}, "east.decider"),
        ("huge dispute", "mutation($i: OpenDisputeInput!) { openDispute(input: $i) { userErrors { code } } }",
         {"i": {"taskId": tid, "subject": "x" * 200_000}}, "east.planner"),
        ("problem ids", FILE_PROBLEM, {"i": {"category": "OTHER", "title": "t", "description": "d",
                                             "taskIds": ["!!", to_global_id("Task", 2**31 - 1)]}}, "east.planner"),
        ("huge version", "mutation($i: ArchiveTaskInput!) { archiveTask(input: $i) { userErrors { code } } }",
         {"i": {"taskId": tid, "expectedVersion": 2**31 - 1}}, "east.archivist"),
        ("problem message", POST_MESSAGE,
         {"i": {"reportId": to_global_id("ProblemReport", 2**31 - 1), "text": "x"}}, "hq.planner"),
    ]  # fmt: skip
    crashed = []
    for name, query, variables, login in probes:
        body = await api.run(query, variables, as_user=login)
        if "INTERNAL_SERVER_ERROR" in error_codes(body):
            crashed.append(name)
    assert crashed == []


# --- Query counts -------------------------------------------------------------------------


async def test_problem_reports_load_in_constant_queries(api):
    # Found in review (fixed in cd0b10e): resolvers/archive.py present_reports awaits r.fetch_related("filed_by")
    # for every report: one more SELECT per report on the problemReports page.
    async def statements() -> tuple[int, int]:
        await api.data(PROBLEMS, {"n": 50}, as_user="hq.planner")
        with api.count_queries() as counter:
            data = await api.data(PROBLEMS, {"n": 50}, as_user="hq.planner")
        return data["problemReports"]["totalCount"], _statements(counter)

    before = await statements()
    for n, login in enumerate(("east.planner", "east.reviewer", "south.planner", "south.decider", "east.decider")):
        body = {"category": "PROCEDURE", "title": f"Problem {n}", "description": "Seen at several factories"}
        assert (await api.data(FILE_PROBLEM, {"i": body}, as_user=login))["fileProblemReport"]["userErrors"] == []
    after = await statements()
    assert after[0] == before[0] + 5
    assert after[1] == before[1], (before, after)


OUTCOMES = """query($n: Int!) { tasks(first: $n) { nodes { id status complex
  result { number conclusion effectiveConclusion nonconformities { clause verifiedBy verificationReportUrl } }
  resultHistory { number nonconformities { clause } } reviews { outcome reviewer resultNumber }
  riskAssessments { level assessedBy } decision { outcome decider resultNumber } disputes { status openedBy }
  certificates { spotChecks { passed } statusHistory { toStatus } suspensionExpired }
  archivedAt completeness { required present missing complete } personDays { planned actual byInspector { login } }
} } }"""


async def _with_outcomes(api, code: str) -> None:
    """A task with everything the outcome fields show: a corrected finding, a return, reviews, a
    risk assessment, a decision, person-days, a form on file and a dispute."""
    task = ok(await submit(api, await running_task(api, code), "PASS_AFTER_CORRECTION", [NC]))
    task = ok(await review(api, task, "RETURN", "Add the evidence"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC]))
    fix = {"nonconformityId": task["result"]["nonconformities"][0]["id"], "method": "WRITTEN", "closed": True,
           "correctiveAction": "Records completed"}  # fmt: skip
    task = ok(await mutate(api, "verifyCorrection", "VerifyCorrectionInput", fix, as_user="east.inspector1"))
    days = {"taskId": task["id"], "expectedVersion": task["version"], "entries": [{"login": "east.inspector1",
                                                                                   "days": 1}]}  # fmt: skip
    task = ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput", days, as_user="east.inspector1"))
    task = ok(await review(api, task))
    risk = {"taskId": task["id"], "expectedVersion": task["version"], "level": "LOW", "recommendation": "None"}
    task = ok(await mutate(api, "assessRisk", "AssessRiskInput", risk, as_user="east.reviewer"))
    task = ok(await decide(api, task))
    assert (await attach(api, task["id"], "INSPECTION_REPORT"))["userErrors"] == []
    opened = await api.data("mutation($i: OpenDisputeInput!) { openDispute(input: $i) { userErrors { code } } }",
                            {"i": {"taskId": task["id"], "subject": "We contest"}}, as_user=f"ent.{code}")  # fmt: skip
    assert opened["openDispute"]["userErrors"] == []


async def test_task_list_with_outcome_fields_stays_flat(api):
    async def statements() -> int:
        await api.data(OUTCOMES, {"n": 50}, as_user="hq.planner")
        with api.count_queries() as counter:
            data = await api.data(OUTCOMES, {"n": 50}, as_user="hq.planner")
        assert all(t["result"] and t["decision"] and t["disputes"] for t in data["tasks"]["nodes"])
        return _statements(counter)

    await _with_outcomes(api, "E001")
    one = await statements()
    for code in ("E002", "E003"):
        await _with_outcomes(api, code)
    assert await statements() == one


# --- Visibility ---------------------------------------------------------------------------


async def test_outsiders_see_no_statistics_problems_or_review_comments(api):
    task = ok(await submit(api, await running_task(api, "E007"), "FAIL", [NC]))
    task = ok(await review(api, task, "RETURN", "Internal: the leader missed clause 4.3 again"))
    query = """query($id: ID!) { node(id: $id) { ... on Task { reviews { comments } riskAssessments { level }
      timeline(first: 50) { nodes { reason } } } } auditTrail(objectId: $id, first: 50) { nodes { reason } } }"""
    seen = await api.data(query, {"id": task["id"]}, as_user="ent.E007")
    text = json.dumps(seen)
    assert "clause 4.3" not in text
    for login in ("ent.E001", "agency.de.inspector", "lab.east1", "buyer.east", "east.inspector1", "south.decider"):
        body = await api.run(STATS, {"unit": "east", "from": "2026-01-01", "to": "2026-12-31"}, as_user=login)
        assert error_codes(body) == ["FORBIDDEN"], login
        reports = await api.run(PROBLEMS, {"n": 5}, as_user=login)
        assert "errors" in reports or reports["data"]["problemReports"]["totalCount"] == 0, login
    monitoring_of = {}
    for unit in ("hq", "south", "agency-de", "ent.E001"):
        body = await api.run(STATS, {"unit": unit, "from": "2026-01-01", "to": "2026-12-31"}, as_user="east.decider")
        monitoring_of[unit] = error_codes(body)
    assert all(v == ["FORBIDDEN"] for v in monitoring_of.values()), monitoring_of


# --- Later probes ----------------------------------------------------------------------------


async def test_a_failed_inspection_suspends_alongside_an_already_suspended_certificate(api):
    # Found in review: decide._apply checks every certificate's move to the outcome's target, and SUSPENDED -> SUSPENDED is no
    # move: a failed routine inspection of E003 (one valid, one suspended certificate, both under surveillance)
    # cannot be decided SUSPEND at all. The decider is left with revoking or cancelling both. A certificate
    # already suspended should stay suspended.
    task = await reviewed_task(api, "E003", "FAIL", [SERIOUS])
    assert len(task["certificates"]) == 2
    done = await decide(api, task, "SUSPEND", "FAILED_INSPECTION")
    assert done["userErrors"] == [], done["userErrors"]
    statuses = await Certificate.filter(factory__code="E003").values_list("status", flat=True)
    assert sorted(statuses) == ["SUSPENDED", "SUSPENDED"]


async def test_a_team_member_does_not_settle_a_dispute_on_his_own_result(api):
    # Found in review: services/results/disputes.py settle/escalate check the role only. The leader whose finding the
    # enterprise disputes, once also a reviewer, settles the dispute on it himself (§4.8 analysis by the sub-
    # centre; §6 independence as for review and decision).
    await grant(api, "east.inspector1", "REVIEWER", "east")
    task = ok(await submit(api, await running_task(api, "E008"), "FAIL", [NC]))
    opened = (await api.data(
        "mutation($i: OpenDisputeInput!) { openDispute(input: $i) { dispute { id version } userErrors { code } } }",
        {"i": {"taskId": task["id"], "subject": "The records were complete"}}, as_user="ent.E008",
    ))["openDispute"]["dispute"]  # fmt: skip
    settle = "mutation($i: SettleDisputeInput!) { settleDispute(input: $i) { userErrors { code } } }"
    body = {"disputeId": opened["id"], "expectedVersion": opened["version"], "settlement": "The finding stands"}
    own = (await api.data(settle, {"i": body}, as_user="east.inspector1"))["settleDispute"]
    assert codes(own) == ["CONFLICT"], own


async def test_an_amendment_after_archiving_keeps_the_bundle_verifiable(api):
    task = await _archived_with_report_named(api, "0402.05.pdf")
    amended = await _change(api, task, reason="Appeal: the correction was not effective")
    assert amended["userErrors"] == [] and amended["task"]["status"] == "ARCHIVED"
    response = await _bundle(api, task["id"])
    assert response.status_code == 200
    assert verify_bundle(response.content) == []
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    assert [(r["number"], r["afterArchive"]) for r in manifest["results"]] == [(1, False), (2, True)]


async def test_risk_flag_spot_check_and_escalation_follow_the_policy(api):
    """For every demo login on an East task: assessing risk (reviewer, decider), flagging complex
    (planner, reviewer), escalating a dispute (reviewer, decider) and recording a spot check
    (East's planner, HQ's planner) are allowed exactly where policy.csv says."""
    task = ok(await submit(api, await running_task(api, "E009")))
    dispute = (await api.data(
        "mutation($i: OpenDisputeInput!) { openDispute(input: $i) { dispute { id } userErrors { code } } }",
        {"i": {"taskId": task["id"], "subject": "Wrong clause cited"}}, as_user="ent.E009",
    ))["openDispute"]["dispute"]  # fmt: skip
    cert = (await certificate_ids(api, "E009"))[0]
    spot = {"certificateId": cert, "level": "PROVINCIAL", "checkedOn": "2025-03-01", "passed": True,
            "reference": "SJ-2025-7"}  # fmt: skip
    assert (await api.data(SPOT, {"i": spot}, as_user="east.planner"))["recordSpotCheck"]["userErrors"] == []
    actions = {
        "assessRisk": ("AssessRiskInput", {"taskId": task["id"], "expectedVersion": 999, "level": "LOW",
                                            "recommendation": "r"}, "STALE_VERSION"),
        "flagTaskComplex": ("FlagTaskComplexInput", {"taskId": task["id"], "expectedVersion": 999, "complex": True,
                                                     "reason": "r"}, "STALE_VERSION"),
        "escalateDispute": ("EscalateDisputeInput", {"disputeId": dispute["id"], "expectedVersion": 999,
                                                     "analysis": "a"}, "STALE_VERSION"),
        "recordSpotCheck": ("RecordSpotCheckInput", spot, "CONFLICT"),  # the same notice again
    }  # fmt: skip
    allowed = {
        "assessRisk": {"east.reviewer", "east.decider"},
        "flagTaskComplex": {"east.planner", "east.reviewer"},
        "escalateDispute": {"east.reviewer", "east.decider"},
        "recordSpotCheck": {"east.planner", "hq.planner"},
    }
    logins = [login for login, *_ in STAFF] + ["ent.E009", "ent.E001"]
    mismatches = []
    for name, (input_type, body, allowed_code) in actions.items():
        query = f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ userErrors {{ code }} }} }}"
        for login in logins:
            response = await api.run(query, {"i": body}, as_user=login)
            if "errors" in response:
                outcome = error_codes(response)
                assert outcome == ["FORBIDDEN"], (name, login, response)
                assert response["data"] is None or response["data"].get(name) is None
            else:
                outcome = codes(response["data"][name])
            if (outcome == [allowed_code]) != (login in allowed[name]):
                mismatches.append((name, login, outcome))
    assert mismatches == []


async def test_a_correction_verified_after_its_deadline_does_not_undo_the_fail(api):
    # Found in review: domain/results.py effective_conclusion only asks whether a finding is closed *now*, and
    # verify_correction accepts a verification after correction_due. A correction closed late turns the fail
    # (DOMAIN §7: not closed in time -> fail) back into a pass after correction.
    task = ok(await submit(api, await running_task(api, "E010"), "PASS_AFTER_CORRECTION", [NC]))
    await NonConformity.all().update(correction_due=date.today() - timedelta(days=1))  # three months have passed
    late = {"nonconformityId": task["result"]["nonconformities"][0]["id"], "method": "WRITTEN", "closed": True,
            "correctiveAction": "Records completed, four months on"}  # fmt: skip
    payload = await mutate(api, "verifyCorrection", "VerifyCorrectionInput", late, as_user="east.inspector1")
    if payload["userErrors"]:  # refusing the late verification is as good
        return
    assert payload["task"]["result"]["effectiveConclusion"] == "FAIL"


async def test_a_return_and_resubmission_does_not_restart_the_correction_deadline(api):
    # Found in review: submit_results gives every finding of a resubmitted result a fresh deadline (correction_due(today()) on
    # each submission). A review return after the deadline passed, and a resubmission of the same finding, erase
    # the fail and grant three more months.
    task = ok(await submit(api, await running_task(api, "E010"), "PASS_AFTER_CORRECTION", [NC]))
    await NonConformity.all().update(correction_due=date.today() - timedelta(days=1))  # three months have passed
    task = ok(await review(api, task, "RETURN", "Describe the corrective action requested"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC], summary="Same finding, better described"))
    assert task["result"]["effectiveConclusion"] == "FAIL", task["result"]
