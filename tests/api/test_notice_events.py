"""What each notifiable change writes to the outbox (DOMAIN.md §8), through the real mutations:
the kind, who is told (staff units, named people, the enterprise only through its task or its
certificate) and the params its templates use (every row rendered in zh and en)."""

from domain.notices import NoticeKind as K
from tests.api.notices_support import db_id, enterprise_of, events, ids, kinds, last_id
from tests.api.purchase_support import assign_buyer, purchase_task
from tests.api.registry_admin_support import send
from tests.api.results_support import SERIOUS, decide, review, reviewed_task, running_task, submit
from tests.api.sampling_support import REPORT, _sample_under_test
from tests.api.tasks_support import act, assign, create, issue, ok

FORBIDDEN_KEYS = {"classification", "class", "factory_class", "risk", "internal", "checklist"}


def no_hidden_fields(rows) -> None:
    for row in rows:
        assert not FORBIDDEN_KEYS & set(row.params), (row.kind, row.params)


async def test_pre_notified_inspection_tells_the_enterprise_window_kind_labs_then_team(api):
    task = ok(await create(api, "E001", as_user="east.planner", withSampling=True))
    assert await events(task=task) == []  # a draft tells nobody
    task = ok(await issue(api, task, as_user="east.planner"))
    enterprise = await enterprise_of("E001")
    issued = await events(task=task)
    assert kinds(issued) == [K.INSPECTION_PRENOTIFIED, K.LABS_DISCLOSED]
    notice, labs = issued
    assert notice.audience == {"units": [], "people": [], "enterprise": enterprise}
    assert notice.params["window_start"] == "2026-12-01" and notice.params["window_end"] == "2026-12-03"
    assert notice.params["kind_zh"] == "例行检查（预先通知）" and notice.params["team_size"] is None
    assert labs.audience["enterprise"] == enterprise and "East Lab" in labs.params["labs_en"]

    mark = await last_id()
    task = ok(await assign(api, task, "east.inspector1", ["east.inspector2"], as_user="east.planner"))
    found = await events(task=task, after=mark)
    team, again = found
    assert team.kind == K.TEAM_ASSIGNED and team.audience["enterprise"] is None
    assert team.audience["people"] == await ids("east.inspector1", "east.inspector2")
    assert again.kind == K.INSPECTION_PRENOTIFIED and again.params["team_size"] == 2
    assert "检查组 2 人" in again.params["team_zh"]
    no_hidden_fields(await events())


async def test_results_review_decision_and_certificates(api):
    enterprise = await enterprise_of("E002")
    task = await running_task(api, "E002")
    mark = await last_id()
    task = ok(await submit(api, task, "FAIL", [SERIOUS]))
    review_due, findings = await events(task=task, after=mark)
    assert review_due.kind == K.REVIEW_DUE and review_due.audience == {
        "units": ["east"],
        "people": [],
        "enterprise": None,
    }
    assert review_due.params["conclusion_en"] == "fail"
    assert findings.kind == K.NONCONFORMITIES and findings.audience["enterprise"] == enterprise
    assert findings.params["count"] == 1 and findings.params["correction_due"]
    assert SERIOUS["description"] in findings.params["findings"]

    mark = await last_id()
    task = ok(await review(api, task))
    assert [(e.kind, e.audience["units"]) for e in await events(task=task, after=mark)] == [(K.DECISION_DUE, ["east"])]
    mark = await last_id()
    done = ok(await decide(api, task, "SUSPEND", "FAILED_INSPECTION", reason="Serious finding 4.3"))
    decided = await events(K.CERTIFICATE_DECISION, after=mark)
    assert sorted(e.params["certificate_number"] for e in decided) == sorted(c["number"] for c in done["certificates"])
    for e in decided:
        assert e.audience["enterprise"] == enterprise and e.task_id == db_id(task["id"])
        assert (e.params["status_en"], e.params["ground_zh"]) == ("suspended", "监督检查不通过")
        assert e.params["reason"] == "Serious finding 4.3"


async def test_dispute_escalation_and_outcome(api):
    task = ok(await decide(api, await reviewed_task(api)))
    dispute = "dispute { id status version } userErrors { code }"
    opened = (await api.data(f"mutation($i: OpenDisputeInput!) {{ openDispute(input: $i) {{ {dispute} }} }}",
                             {"i": {"taskId": task["id"], "subject": "We contest"}}, as_user="ent.E001"))  # fmt: skip
    dispute_id = opened["openDispute"]["dispute"]["id"]
    up = {"disputeId": dispute_id, "expectedVersion": 1, "analysis": "Needs a ruling"}
    await api.data(f"mutation($i: EscalateDisputeInput!) {{ escalateDispute(input: $i) {{ {dispute} }} }}",
                   {"i": up}, as_user="east.reviewer")  # fmt: skip
    body = {"disputeId": dispute_id, "expectedVersion": 2, "settlement": "Finding withdrawn"}
    await api.data(f"mutation($i: SettleDisputeInput!) {{ settleDispute(input: $i) {{ {dispute} }} }}",
                   {"i": body}, as_user="hq.reviewer")  # fmt: skip
    escalated, outcome = await events(K.DISPUTE_ESCALATED), await events(K.DISPUTE_OUTCOME)
    assert [e.audience for e in escalated] == [{"units": ["hq"], "people": [], "enterprise": None}]
    assert [e.audience["enterprise"] for e in outcome] == [await enterprise_of("E001")]
    assert outcome[0].params["settlement"] == "Finding withdrawn"


async def test_exceptions_escalations_delegation_and_withdrawal(api):
    task = ok(await assign(api, ok(await issue(api, ok(await create(api, "E003", as_user="east.planner")),
                                                as_user="east.planner")), "east.inspector1", as_user="east.planner"))  # fmt: skip
    task = ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", task, as_user="east.inspector1",
                        reason="PRODUCTION_STOPPED", details="Line idle"))  # fmt: skip
    ok(await act(api, "handleTaskException", "HandleTaskExceptionInput", task, as_user="east.planner",
                 handling="ESCALATE", note="Needs HQ"))  # fmt: skip
    (exception,) = await events(K.TASK_EXCEPTION, task=task)
    assert exception.audience["units"] == ["east"] and exception.params["reason_zh"] == "停产"
    (escalated,) = await events(K.TASK_ESCALATED, task=task)
    assert "hq" in escalated.audience["units"] and escalated.audience["enterprise"] is None

    overseas = ok(await create(api, "D001", as_user="hq.planner"))
    overseas = ok(await act(api, "delegateTask", "DelegateTaskInput", overseas, as_user="hq.planner",
                            agencyCode="agency-de", reason="Local partner"))  # fmt: skip
    ok(await act(api, "cancelTask", "TaskActionInput", overseas, as_user="hq.planner", reason="Duplicate"))
    (delegated,) = await events(K.TASK_DELEGATED, task=overseas)
    assert "agency-de" in delegated.audience["units"] and delegated.params["agency"] == "agency-de"
    (withdrawn,) = await events(K.TASK_WITHDRAWN, task=overseas)
    assert withdrawn.audience["units"] == ["agency-de"] and withdrawn.params["reason"] == "Duplicate"
    assert not any(e.audience["enterprise"] for e in await events(task=overseas))  # never notified: a draft
    no_hidden_fields(await events())


async def test_samples_lab_reports_lab_requests_purchases(api):
    sample = await _sample_under_test(api)
    (notice,) = await events(K.SAMPLING_NOTICE)
    assert notice.audience["enterprise"] == await enterprise_of("E001")
    assert (notice.params["sample_identifier"], notice.params["seal_number"]) == ("S-2026-0100", "F-9")
    items = [{"item": "conductor resistance", "passed": True}]
    body = {"sampleId": sample["id"], "expectedVersion": 4, "items": items, "conclusionPassed": True}
    assert (await api.data(REPORT, {"i": body}, as_user="lab.east2"))["submitLabReport"]["userErrors"] == []
    (report,) = await events(K.LAB_REPORT_IN)
    assert report.audience["units"] == ["east"] and report.audience["enterprise"] is None
    assert report.params["passed_en"] == "passed"

    bought = await purchase_task(api, "E004")
    mark = await last_id()
    assert (await assign_buyer(api, bought))["userErrors"] == []
    (assigned,) = await events(K.PURCHASE_ASSIGNED, after=mark)
    assert assigned.audience == {"units": [], "people": await ids("buyer.east"), "enterprise": None}
    assert assigned.params["instructions"] == "Two coils"


async def test_lab_request_answer_and_certificate_cancellation_reach_the_enterprise(api):
    task = ok(await issue(api, ok(await create(api, "E005", as_user="east.planner", withSampling=True)),
                          as_user="east.planner"))  # fmt: skip
    filed = await api.data("""mutation($i: FileLabRequestInput!) { fileLabRequest(input: $i) {
      task { labRequests { id } } userErrors { code } } }""",
                           {"i": {"taskId": task["id"], "labCode": "east-lab-2", "text": "closer"}}, as_user="ent.E005")  # fmt: skip
    request_id = filed["fileLabRequest"]["task"]["labRequests"][0]["id"]
    (asked,) = await events(K.LAB_REQUEST_FILED)
    assert asked.audience == {"units": ["east"], "people": [], "enterprise": None}  # its planners answer
    assert asked.params["request"] == "closer"
    await api.data("""mutation($i: DecideLabRequestInput!) { decideLabRequest(input: $i) { userErrors { code } } }""",
                   {"i": {"requestId": request_id, "accepted": False, "reason": "east-lab-1 is independent"}},
                   as_user="east.planner")  # fmt: skip
    (answer,) = await events(K.LAB_REQUEST_ANSWERED)
    assert answer.audience["enterprise"] == await enterprise_of("E005")
    assert (answer.params["answer_zh"], answer.params["reason"]) == ("不同意", "east-lab-1 is independent")

    cert = (await api.data("""query { certificates(first: 50) { nodes { id version number status factory { code } } } }""",
                           as_user="hq.planner"))["certificates"]["nodes"]  # fmt: skip
    cert = next(c for c in cert if c["factory"]["code"] == "E006" and c["status"] == "VALID")
    body = {"certificateId": cert["id"], "expectedVersion": cert["version"], "reason": "持证人申请注销"}
    payload = await send(api, "cancelCertificate", "CancelCertificateInput", "certificate { status }", body,
                         as_user="hq.planner")  # fmt: skip
    assert payload["userErrors"] == [], payload
    (cancelled,) = await events(K.CERTIFICATE_DECISION)
    assert cancelled.audience["enterprise"] == await enterprise_of("E006") and cancelled.task_id is None
    assert (cancelled.params["status_zh"], cancelled.params["reason"]) == ("注销", "持证人申请注销")


async def test_returned_results_and_a_corrective_action_reach_the_team(api):
    from tests.api.corrective_support import correction_payload, send_correction, submitted_finding

    task, finding = await submitted_finding(api)
    team = await ids("east.inspector1")
    mark = await last_id()
    payload = correction_payload(await send_correction(api, finding))
    assert payload["userErrors"] == [], payload
    (correction,) = await events(task=task, after=mark)
    assert correction.kind == K.CORRECTION_SUBMITTED and correction.audience["enterprise"] is None
    assert set(team) <= set(correction.audience["people"]) and correction.params["version"] == 1
    mark = await last_id()
    current = await api.data("query($id: ID!) { node(id: $id) { ... on Task { id version } } }", {"id": task["id"]},
                             as_user="east.reviewer")  # fmt: skip
    ok(await review(api, current["node"], "RETURN", "补充整改证据 add the evidence of the correction"))
    (returned,) = await events(task=task, after=mark)
    assert returned.kind == K.RESULTS_RETURNED and set(team) <= set(returned.audience["people"])
    assert returned.params["comments"].startswith("补充整改证据") and returned.audience["enterprise"] is None
