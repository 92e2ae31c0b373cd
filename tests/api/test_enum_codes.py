"""String fields with a closed set of values gained enum twins (issue 15): each twin names the same
value as the deprecated string beside it, for statistics, problem reports and audit records."""

from tests.api.results_support import running_task
from tests.api.test_monitoring_and_problems import FILE, PERIOD, _scenario

CODES = """query($unit: String, $from: Date!, $to: Date!) { monitoring(unitCode: $unit, dateFrom: $from, dateTo: $to) {
  tasksByKindAndStatus { kind kindCode status statusCode count } exceptionsByReason { reason reasonCode count } } }"""
POST = """mutation($i: PostProblemMessageInput!) { postProblemMessage(input: $i) {
  report { status statusCode } userErrors { field code } } }"""
AUDIT = "{ auditLog(first: 50) { nodes { action actionCode } } }"


async def test_statistics_name_kinds_statuses_and_reasons_as_enums(api):
    await _scenario(api)
    seen = (await api.data(CODES, {"unit": "east", **PERIOD}, as_user="east.reviewer"))["monitoring"]
    rows = seen["tasksByKindAndStatus"]
    assert len(rows) == 5 and all(r["kindCode"] == r["kind"] and r["statusCode"] == r["status"] for r in rows)
    assert seen["exceptionsByReason"] == [{"reason": "FACTORY_CLOSED", "reasonCode": "FACTORY_CLOSED", "count": 1}]


async def test_problem_status_and_audit_action_as_enums(api):
    task = await running_task(api)
    body = {"category": "RULES", "title": "Seasonal factories", "description": "Closed out of season.",
            "taskIds": [task["id"]]}  # fmt: skip
    filed = (await api.data(FILE, {"i": body}, as_user="east.planner"))["fileProblemReport"]["report"]
    query = "query($id: ID!) { node(id: $id) { ... on ProblemReport { status statusCode } } }"
    node = (await api.data(query, {"id": filed["id"]}, as_user="hq.reviewer"))["node"]
    assert node == {"status": "OPEN", "statusCode": "OPEN"}
    reply = {"reportId": filed["id"], "text": "Treat a closed season as production stopped."}
    answered = (await api.data(POST, {"i": reply}, as_user="hq.planner"))["postProblemMessage"]["report"]
    assert answered == {"status": "ANSWERED", "statusCode": "ANSWERED"}
    log = (await api.data(AUDIT, as_user="hq.auditor"))["auditLog"]["nodes"]
    pairs = {(x["action"], x["actionCode"]) for x in log}
    assert ("problem.file", "PROBLEM_FILE") in pairs and ("problem.answer", "PROBLEM_ANSWER") in pairs
    assert all(code is not None for _, code in pairs)
