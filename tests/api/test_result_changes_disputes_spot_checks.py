"""Result changes, relocation outcomes, marking findings, disputes and spot checks (issue 5)."""

from datetime import date, timedelta

from store.models import AuditEntry, Certificate, CertificateStatusChange
from tests.api.results_support import (
    _change,
    _relocation_with_failed_marking_sample,
    assess,
    codes,
    decide,
    mutate,
    review,
    reviewed_task,
    running_task,
    submit,
)
from tests.api.tasks_support import act, assign, create, issue, ok, start
from tests.client import error_codes

CHANGE = "mutation($i: ChangeResultInput!) { changeResult(input: $i) { userErrors { code } } }"
DISPUTE_FIELDS = "dispute { id status analysis settlement settledBy version } userErrors { field code }"
SPOT = """mutation($i: RecordSpotCheckInput!) { recordSpotCheck(input: $i) {
  certificate { status spotChecks { passed reference } statusHistory { toStatus reason } } userErrors { field code } } }"""


async def test_a_decided_result_changes_as_a_new_version(api):
    task = ok(await decide(api, await reviewed_task(api)))
    body = {"taskId": task["id"], "expectedVersion": task["version"], "conclusion": "FAIL",
            "summary": "Lab evidence arrived late", "reason": "Appeal upheld"}  # fmt: skip
    assert codes(
        await mutate(api, "changeResult", "ChangeResultInput", {**body, "reason": " "}, as_user="east.decider")
    ) == ["REQUIRED"]
    assert error_codes(await api.run(CHANGE, {"i": body}, as_user="hq.decider")) == [
        "FORBIDDEN"
    ]  # oversees, not decides
    assert (await api.data(CHANGE, {"i": body}, as_user="south.decider"))["changeResult"]["userErrors"] == [
        {"code": "NOT_FOUND"}
    ]
    assert error_codes(await api.run(CHANGE, {"i": body}, as_user="east.reviewer")) == ["FORBIDDEN"]
    changed = ok(await mutate(api, "changeResult", "ChangeResultInput", body, as_user="east.decider"))
    assert changed["result"]["conclusion"] == "FAIL" and changed["result"]["number"] == 2
    assert [(r["number"], r["conclusion"], r["current"], r["changeReason"]) for r in changed["resultHistory"]] == [
        (1, "PASS", False, None),
        (2, "FAIL", True, "Appeal upheld"),
    ]
    entry = await AuditEntry.filter(action="result.change").first()
    assert (entry.actor, entry.reason, entry.before["conclusion"], entry.after["conclusion"]) == (
        "east.decider",
        "Appeal upheld",
        "PASS",
        "FAIL",
    )
    stale = await mutate(api, "changeResult", "ChangeResultInput", body, as_user="east.decider")
    assert codes(stale) == ["STALE_VERSION"]


async def test_relocation_passed_but_sampling_failed_suspends_after_a_risk_assessment(api):
    task = await _relocation_with_failed_marking_sample(api)
    refused = await decide(api, task, "MAINTAIN")
    assert codes(refused) == ["CONFLICT"] and "marking" in refused["userErrors"][0]["message"]
    task = ok(await assess(api, task, "HIGH"))
    assert codes(await decide(api, task, "MAINTAIN")) == ["INVALID"]
    wrong = await decide(api, task, "REVOKE")
    assert codes(wrong) == ["INVALID"] and "suspend" in wrong["userErrors"][0]["message"]
    done = ok(await decide(api, task, "SUSPEND", "FAILED_SAMPLING"))
    assert {c.status for c in await Certificate.filter(factory__code="E007", status__in=["SUSPENDED", "VALID"])} == {
        "SUSPENDED"
    }
    assert done["decision"]["ground"] == "FAILED_SAMPLING"


async def test_risk_assessments_stay_internal(api):
    """A delegated task: the agency inspector submits, HQ reviews and assesses; neither the agency
    nor the enterprise ever sees the assessment, in the task or in its history."""
    task = ok(await create(api, "D001", as_user="hq.planner"))
    task = ok(await act(api, "delegateTask", "DelegateTaskInput", task, as_user="hq.planner",
                        agencyCode="agency-de", reason="Local partner"))  # fmt: skip
    task = ok(await issue(api, task, as_user="hq.planner"))
    task = ok(await assign(api, task, "agency.de.inspector", as_user="hq.planner"))
    task = ok(await start(api, task, as_user="agency.de.inspector"))
    task = ok(await submit(api, task, as_user="agency.de.inspector"))
    task = ok(await review(api, task, as_user="hq.reviewer"))
    task = ok(await assess(api, task, "HIGH", as_user="hq.reviewer"))
    query = """query($id: ID!) { node(id: $id) { ... on Task { riskAssessments { level } reviews { comments }
      timeline(first: 50) { nodes { action } } } }
      auditTrail(objectId: $id, first: 50) { nodes { action } } }"""
    for login, expected in (("hq.planner", 1), ("agency.de.inspector", 0), ("ent.D001", 0)):
        data = await api.data(query, {"id": task["id"]}, as_user=login)
        actions = [n["action"] for n in data["node"]["timeline"]["nodes"]]
        actions += [n["action"] for n in data["auditTrail"]["nodes"]]
        assert len(data["node"]["riskAssessments"]) == expected, login
        assert ("task.risk_assessment" in actions) == bool(expected), login
        assert len(data["node"]["reviews"]) == (0 if login.startswith("ent.") else 1), login  # internal
    assert ok(await decide(api, task, as_user="hq.decider"))["status"] == "DECIDED"


async def test_disputes_settled_by_the_subcentre_or_escalated_to_hq(api):
    task = ok(await decide(api, await reviewed_task(api)))
    opened = (await api.data(
        f"mutation($i: OpenDisputeInput!) {{ openDispute(input: $i) {{ {DISPUTE_FIELDS} }} }}",
        {"i": {"taskId": task["id"], "subject": "We contest finding 1"}}, as_user="ent.E001",
    ))["openDispute"]  # fmt: skip
    assert opened["userErrors"] == [] and opened["dispute"]["status"] == "OPEN"
    dispute = opened["dispute"]
    settle = f"mutation($i: SettleDisputeInput!) {{ settleDispute(input: $i) {{ {DISPUTE_FIELDS} }} }}"
    escalate = f"mutation($i: EscalateDisputeInput!) {{ escalateDispute(input: $i) {{ {DISPUTE_FIELDS} }} }}"
    body = {"disputeId": dispute["id"], "expectedVersion": 1, "settlement": "Finding stands"}
    assert error_codes(await api.run(settle, {"i": body}, as_user="hq.reviewer")) == ["FORBIDDEN"]  # not escalated
    assert error_codes(await api.run(settle, {"i": body}, as_user="ent.E001")) == ["FORBIDDEN"]
    up = {"disputeId": dispute["id"], "expectedVersion": 1, "analysis": "Needs a ruling on clause 4.2"}
    escalated = (await api.data(escalate, {"i": up}, as_user="east.reviewer"))["escalateDispute"]["dispute"]
    assert escalated["status"] == "ESCALATED"
    body["expectedVersion"] = 2
    assert error_codes(await api.run(settle, {"i": body}, as_user="east.decider")) == ["FORBIDDEN"]  # HQ's now
    settled = (await api.data(settle, {"i": body}, as_user="hq.reviewer"))["settleDispute"]["dispute"]
    assert (settled["status"], settled["settledBy"], settled["analysis"]) == (
        "SETTLED",
        "hq.reviewer",
        "Needs a ruling on clause 4.2",
    )
    again = (await api.data(settle, {"i": {**body, "expectedVersion": 3}}, as_user="hq.reviewer"))["settleDispute"]
    assert [e["code"] for e in again["userErrors"]] == ["CONFLICT"]
    shown = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Task { disputes { status subject } } } }", {"id": task["id"]},
        as_user="ent.E001",
    )  # fmt: skip
    assert shown["node"]["disputes"] == [{"status": "SETTLED", "subject": "We contest finding 1"}]
    node = "query($id: ID!) { node(id: $id) { ... on Dispute { status settledBy } } }"
    assert (await api.data(node, {"id": dispute["id"]}, as_user="ent.E001"))["node"] == {
        "status": "SETTLED",
        "settledBy": "hq.reviewer",
    }
    assert (await api.data(node, {"id": dispute["id"]}, as_user="south.planner"))["node"] is None


async def test_a_subcentre_settles_an_open_dispute(api):
    task = ok(await submit(api, await running_task(api, "E002")))
    opened = (await api.data(
        f"mutation($i: OpenDisputeInput!) {{ openDispute(input: $i) {{ {DISPUTE_FIELDS} }} }}",
        {"i": {"taskId": task["id"], "subject": "Sample taken from the wrong batch"}}, as_user="east.planner",
    ))["openDispute"]["dispute"]  # fmt: skip
    settle = f"mutation($i: SettleDisputeInput!) {{ settleDispute(input: $i) {{ {DISPUTE_FIELDS} }} }}"
    body = {"disputeId": opened["id"], "expectedVersion": 1, "settlement": "Batch confirmed", "analysis": "Checked"}
    missing = (await api.data(settle, {"i": body}, as_user="south.decider"))["settleDispute"]
    assert missing == {"dispute": None, "userErrors": [{"field": ["input", "disputeId"], "code": "NOT_FOUND"}]}
    done = (await api.data(settle, {"i": body}, as_user="east.decider"))["settleDispute"]["dispute"]
    assert (done["status"], done["settledBy"], done["analysis"]) == ("SETTLED", "east.decider", "Checked")


async def _cert(api, number: str) -> str:
    data = await api.data(
        "query($n: String) { certificates(first: 1, filter: {search: $n}) { nodes { id } } }", {"n": number},
        as_user="east.planner",
    )  # fmt: skip
    return data["certificates"]["nodes"][0]["id"]


async def test_third_spot_check_failure_revokes_directly(api):
    cert = await Certificate.filter(status="VALID", factory__code="E001").first()
    cid = await _cert(api, cert.number)
    day = date.today() - timedelta(days=30)
    checks = [("NATIONAL", False, "GJ-2026-001"), ("PROVINCIAL", True, "SJ-2026-007"),
              ("PROVINCIAL", False, "SJ-2026-019"), ("NATIONAL", False, "GJ-2026-044")]  # fmt: skip
    results = []
    for n, (level, passed, ref) in enumerate(checks):
        body = {"certificateId": cid, "level": level, "checkedOn": (day + timedelta(days=n)).isoformat(),
                "passed": passed, "reference": ref}  # fmt: skip
        results.append((await api.data(SPOT, {"i": body}, as_user="east.planner"))["recordSpotCheck"])
    assert [r["certificate"]["status"] for r in results] == ["VALID", "VALID", "VALID", "REVOKED"]
    last = results[-1]["certificate"]
    reason = last["statusHistory"][-1]["reason"]
    assert all(ref in reason for ref in ("GJ-2026-001", "SJ-2026-019", "GJ-2026-044")) and "SJ-2026-007" not in reason
    assert await AuditEntry.filter(action="certificate.status", object_id=cert.id).count() == 1
    dup = (await api.data(SPOT, {"i": {**body, "passed": False}}, as_user="east.planner"))["recordSpotCheck"]
    assert [e["code"] for e in dup["userErrors"]] == ["CONFLICT"]
    assert error_codes(await api.run(SPOT, {"i": {**body, "reference": "X-1"}}, as_user="east.inspector1")) == [
        "FORBIDDEN"
    ]
    assert (await api.data(SPOT, {"i": {**body, "reference": "X-2"}}, as_user="south.planner"))["recordSpotCheck"][
        "userErrors"
    ] == [{"field": ["input", "certificateId"], "code": "NOT_FOUND"}]
    assert await CertificateStatusChange.filter(certificate_id=cert.id, to_status="REVOKED").count() == 1


async def test_expired_suspensions_are_flagged_for_revocation(api):
    cert = await Certificate.filter(status="SUSPENDED", factory__code__startswith="E").first()
    await Certificate.filter(id=cert.id).update(suspended_until=date.today() - timedelta(days=1))
    data = await api.data(
        "{ certificates(first: 50, filter: {suspensionExpired: true}) { nodes { number suspensionExpired } } }",
        as_user="east.planner",
    )
    assert data["certificates"]["nodes"] == [{"number": cert.number, "suspensionExpired": True}]


async def test_a_changed_result_obeys_the_result_rules(api):
    # Regression (fixed in cd0b10e): change_result skips check_result and clean_text: a pass without findings
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
