"""Results, review, risk assessment and the certification decision through GraphQL (issue 5)."""

from datetime import date, timedelta

from domain.decisions import SuspensionGround, suspension_end
from schema.relay import from_global_id
from services import clock
from store.models import AuditEntry, Certificate, CertificateStatusChange, Decision, NonConformity
from tests.api.results_support import (
    NC,
    SERIOUS,
    SPOT,
    _change,
    assess,
    codes,
    decide,
    mutate,
    review,
    reviewed_task,
    running_task,
    submit,
)
from tests.api.tasks_support import certificate_ids, get, ok
from tests.client import error_codes


async def _cert_statuses(task) -> list[str]:
    numbers = [c["number"] for c in task["certificates"]]
    return list(await Certificate.filter(number__in=numbers).order_by("number").values_list("status", flat=True))


async def test_pass_review_and_maintain(api):
    task = ok(await submit(api, await running_task(api)))
    assert task["status"] == "RESULTS_SUBMITTED"
    assert (task["result"]["number"], task["result"]["conclusion"], task["result"]["submittedBy"]) == (
        1,
        "PASS",
        "east.inspector1",
    )
    task = ok(await review(api, task))
    assert task["status"] == "REVIEWED" and task["reviews"][0]["reviewer"] == "east.reviewer"
    task = ok(await decide(api, task))
    assert task["status"] == "DECIDED"
    assert task["decision"] == {"outcome": "MAINTAIN", "ground": None, "reason": "Per the result",
                                "decider": "east.decider", "resultNumber": 1}  # fmt: skip
    assert set(await _cert_statuses(task)) == {"VALID"}
    actions = await AuditEntry.filter(object_type="SurveillanceTask").values_list("action", flat=True)
    assert {"result.submit", "task.review_agree", "task.decide", "decision"} <= set(actions)


async def test_only_the_team_leader_submits(api):
    task = await running_task(api, leader="east.inspector1", members=["east.inspector2"])
    body = {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "PASS"}
    for login in ("east.inspector2", "east.planner"):
        denied = await api.run(
            "mutation($i: SubmitResultsInput!) { submitResults(input: $i) { userErrors { code } } }",
            {"i": body},
            as_user=login,
        )
        assert error_codes(denied) == ["FORBIDDEN"], login


async def test_conclusion_must_match_findings(api):
    task = await running_task(api)
    assert codes(await submit(api, task, "PASS", [NC])) == ["INVALID"]
    assert codes(await submit(api, task, "PASS_AFTER_CORRECTION", [])) == ["INVALID"]
    assert codes(await submit(api, task, "PASS_AFTER_CORRECTION", [NC, SERIOUS])) == ["INVALID"]
    assert ok(await submit(api, task, "FAIL", [SERIOUS]))["status"] == "RESULTS_SUBMITTED"


async def test_failed_inspection_cannot_be_maintained_and_suspension_needs_its_ground(api, settings):
    task = await reviewed_task(api, "E002", "FAIL", [SERIOUS], planner="east.planner")
    assert codes(await decide(api, task, "MAINTAIN")) == ["INVALID"]
    assert codes(await decide(api, task, "SUSPEND")) == ["REQUIRED"]
    assert codes(await decide(api, task, "REVOKE", "FAILED_INSPECTION")) == ["REQUIRED"]
    done = ok(await decide(api, task, "SUSPEND", "FAILED_INSPECTION"))
    assert done["decision"]["ground"] == "FAILED_INSPECTION"
    certificates = await Certificate.filter(number__in=[c["number"] for c in done["certificates"]])
    assert {c.status for c in certificates} == {"SUSPENDED"}
    expected_end = suspension_end(clock.today(), SuspensionGround.FAILED_INSPECTION, settings.suspension_months)
    assert {c.suspended_until for c in certificates} == {expected_end}
    history = await CertificateStatusChange.filter(certificate_id=certificates[0].id).order_by("-id").first()
    assert (history.to_status, history.reason, history.actor) == ("SUSPENDED", "Per the result", "east.decider")


async def test_corrections_within_the_deadline(api):
    task = ok(await submit(api, await running_task(api), "PASS_AFTER_CORRECTION", [NC]))
    nc = task["result"]["nonconformities"][0]
    assert nc["verifiedClosed"] is None and nc["correctionDue"] > clock.today().isoformat()
    assert codes(await review(api, task)) == ["CONFLICT"]  # the correction is still open
    verify = {"nonconformityId": nc["id"], "method": "ON_SITE", "closed": True, "correctiveAction": "Records completed"}
    assert codes(await mutate(api, "verifyCorrection", "VerifyCorrectionInput", verify, as_user="east.inspector1")) == [
        "REQUIRED"
    ]  # on site needs its report
    written = {**verify, "method": "WRITTEN"}
    task = ok(await mutate(api, "verifyCorrection", "VerifyCorrectionInput", written, as_user="east.inspector1"))
    assert task["result"]["nonconformities"][0]["verifiedClosed"] is True
    task = ok(await review(api, task))
    assert task["result"]["effectiveConclusion"] == "PASS_AFTER_CORRECTION"
    assert ok(await decide(api, task))["decision"]["outcome"] == "MAINTAIN"


async def test_on_site_verification_with_its_report(api, tmp_path):
    task = ok(await submit(api, await running_task(api), "PASS_AFTER_CORRECTION", [NC]))
    nc = task["result"]["nonconformities"][0]
    query = """mutation($i: VerifyCorrectionInput!) { verifyCorrection(input: $i) {
      task { result { nonconformities { verificationMethod verifiedClosed verificationReportUrl } } }
      userErrors { code } } }"""
    body = {"nonconformityId": nc["id"], "method": "ON_SITE", "closed": True, "correctiveAction": "Fixed",
            "report": None}  # fmt: skip
    response = await api.upload(
        query, {"i": body}, {"i.report": ("0402.05.pdf", b"%PDF-1.7 verification", "application/pdf")},
        as_user="east.inspector1",
    )  # fmt: skip
    found = response["data"]["verifyCorrection"]["task"]["result"]["nonconformities"][0]
    assert found["verificationMethod"] == "ON_SITE" and found["verificationReportUrl"].startswith("/documents/")


async def test_correction_not_closed_in_time_is_a_fail(api):
    task = ok(await submit(api, await running_task(api), "PASS_AFTER_CORRECTION", [NC]))
    await NonConformity.all().update(correction_due=clock.today() - timedelta(days=1))  # three months have passed
    task = ok(await review(api, task))  # nothing left to wait for: the result stands as a fail
    assert task["result"]["conclusion"] == "PASS_AFTER_CORRECTION"
    assert task["result"]["effectiveConclusion"] == "FAIL"
    assert codes(await decide(api, task, "MAINTAIN")) == ["INVALID"]
    assert ok(await decide(api, task, "SUSPEND", "FAILED_INSPECTION"))["status"] == "DECIDED"


async def test_return_to_the_team_and_resubmit(api):
    task = ok(await submit(api, await running_task(api), "PASS"))
    assert codes(await review(api, task, "RETURN")) == ["REQUIRED"]  # returning says why
    task = ok(await review(api, task, "RETURN", "Clause 4.2 evidence missing"))
    assert task["status"] == "RETURNED"
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC], summary="Evidence added"))
    assert task["status"] == "RESULTS_SUBMITTED"
    assert [(r["number"], r["current"]) for r in task["resultHistory"]] == [(1, False), (2, True)]
    assert task["resultHistory"][1]["changeReason"] == "resubmitted after the review returned it"


async def test_risk_assessment_comes_first_when_flagged_complex(api):
    task = await reviewed_task(api)
    flag = {"taskId": task["id"], "expectedVersion": task["version"], "complex": True, "reason": "New technology"}
    task = ok(await mutate(api, "flagTaskComplex", "FlagTaskComplexInput", flag, as_user="east.reviewer"))
    refused = await decide(api, task)
    assert codes(refused) == ["CONFLICT"] and "flagged complex" in refused["userErrors"][0]["message"]
    task = ok(await assess(api, task))
    assert task["riskAssessments"][0]["assessedBy"] == "east.reviewer"
    assert ok(await decide(api, task))["status"] == "DECIDED"


async def test_special_inspection_needs_a_risk_assessment(api):
    task = await reviewed_task(api, "E003", kind="SPECIAL", specialTrigger="COMPLAINT", triggerDetails="A complaint")
    refused = await decide(api, task)
    assert "special inspection" in refused["userErrors"][0]["message"]
    task = ok(await assess(api, task, "HIGH", as_user="east.decider"))
    assert ok(await decide(api, task))["status"] == "DECIDED"


async def test_restore_only_after_a_passed_restoration_inspection(api):
    suspended = await Certificate.filter(status="SUSPENDED", factory__code__startswith="E").first()
    await suspended.fetch_related("factory")
    code = suspended.factory.code
    routine = await reviewed_task(api, code, certs=None)
    assert codes(await decide(api, routine, "RESTORE")) == ["INVALID"]
    cert_id = (await api.data(
        "query($n: String) { certificates(first: 1, filter: {search: $n}) { nodes { id } } }",
        {"n": suspended.number}, as_user="east.planner",
    ))["certificates"]["nodes"][0]["id"]  # fmt: skip
    task = await reviewed_task(api, code, kind="RESTORATION", certs=[cert_id], window=("2026-12-10", "2026-12-11"))
    task = ok(await decide(api, task, "RESTORE"))
    assert (await Certificate.get(id=suspended.id)).status == "VALID"
    assert (await Certificate.get(id=suspended.id)).suspended_until is None


async def test_twenty_deciders_at_once_one_decision(api):
    import asyncio

    task = await reviewed_task(api)
    results = await asyncio.gather(*(decide(api, task, reason=f"attempt {n}") for n in range(20)))
    applied = [r for r in results if r["userErrors"] == []]
    stale = [r for r in results if codes(r) == ["STALE_VERSION"]]
    assert len(applied) == 1 and len(stale) == 19
    assert await AuditEntry.filter(action="decision").count() == 1
    assert (await get(api, task["id"], as_user="east.planner"))["status"] == "DECIDED"


async def test_a_refused_unannounced_inspection_goes_on_to_a_suspension(api):
    from tests.api.tasks_support import act, assign, create, issue

    task = ok(await create(api, "E004", "ROUTINE_UNANNOUNCED", as_user="east.planner"))
    task = ok(await assign(api, ok(await issue(api, task, as_user="east.planner")), "east.inspector1",
                           as_user="east.planner"))  # fmt: skip
    task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user="east.inspector1",
                        reason="REFUSED_INSPECTION", details="Entry refused at the gate"))  # fmt: skip
    assert task["suspensionGround"] == "REFUSED_UNANNOUNCED_INSPECTION"
    assert codes(await submit(api, task, "PASS")) == ["INVALID"]
    task = ok(await submit(api, task, "FAIL", summary="The factory refused the unannounced inspection"))
    task = ok(await review(api, task))
    done = ok(await decide(api, task, "SUSPEND", "REFUSED_UNANNOUNCED"))
    assert set(await _cert_statuses(done)) == {"SUSPENDED"}


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


async def test_a_failed_inspection_suspends_alongside_an_already_suspended_certificate(api):
    # Regression: decide._apply checks every certificate's move to the outcome's target, and SUSPENDED -> SUSPENDED is no
    # move: a failed routine inspection of E003 (one valid, one suspended certificate, both under surveillance)
    # cannot be decided SUSPEND at all. The decider is left with revoking or cancelling both. A certificate
    # already suspended should stay suspended.
    task = await reviewed_task(api, "E003", "FAIL", [SERIOUS])
    assert len(task["certificates"]) == 2
    done = await decide(api, task, "SUSPEND", "FAILED_INSPECTION")
    assert done["userErrors"] == [], done["userErrors"]
    statuses = await Certificate.filter(factory__code="E003").values_list("status", flat=True)
    assert sorted(statuses) == ["SUSPENDED", "SUSPENDED"]


async def test_a_correction_verified_after_its_deadline_does_not_undo_the_fail(api):
    # Regression: domain/results.py effective_conclusion only asks whether a finding is closed *now*, and
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
    # Regression: submit_results gives every finding of a resubmitted result a fresh deadline (correction_due(today()) on
    # each submission). A review return after the deadline passed, and a resubmission of the same finding, erase
    # the fail and grant three more months.
    task = ok(await submit(api, await running_task(api, "E010"), "PASS_AFTER_CORRECTION", [NC]))
    await NonConformity.all().update(correction_due=date.today() - timedelta(days=1))  # three months have passed
    task = ok(await review(api, task, "RETURN", "Describe the corrective action requested"))
    task = ok(await submit(api, task, "PASS_AFTER_CORRECTION", [NC], summary="Same finding, better described"))
    assert task["result"]["effectiveConclusion"] == "FAIL", task["result"]
