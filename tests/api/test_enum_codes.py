"""String fields with a closed set of values gained enum twins (issue 15): each twin names the same
value as the deprecated string beside it, for statistics, problem reports and audit records."""

from domain.enums import Role
from domain.notices import NoticeKind
from tests.api.purchase_support import _bought, purchase_settings  # noqa: F401
from tests.api.results_support import running_task
from tests.api.test_monitoring_and_problems import FILE, PERIOD, _scenario
from tests.services.notice_support import worker, write_event

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


ROUTES = "{ noticeRoutes { kind kindCode role roleCode } }"
INBOX = "{ notifications(first: 50) { nodes { kind kindCode } } }"
FILES = """query($id: ID!) { node(id: $id) { ... on PurchaseAssignment { purchases {
  receipt { purpose purposeCode } photos { purpose purposeCode } } } } }"""


async def test_notice_kinds_roles_and_purchase_files_as_enums(api):
    routes = (await api.data(ROUTES, as_user="hq.admin"))["noticeRoutes"]
    assert routes and all(r["kindCode"] == NoticeKind(r["kind"]).name for r in routes)
    assert all(r["roleCode"] == Role(r["role"]).name for r in routes)
    assignment, _, _ = await _bought(api)
    bought = (await api.data(FILES, {"id": assignment["id"]}, as_user="east.planner"))["node"]["purchases"][0]
    assert bought["receipt"] == {"purpose": "RECEIPT", "purposeCode": "RECEIPT"}
    assert {(p["purpose"], p["purposeCode"]) for p in bought["photos"]} == {("PRODUCT_PHOTO", "PRODUCT_PHOTO")}


async def test_notification_kinds_as_enums(api, settings):
    await write_event()
    await worker(settings).run_once()
    inbox = (await api.data(INBOX, as_user="ent.E001"))["notifications"]["nodes"]
    assert inbox and all(n["kindCode"] == NoticeKind(n["kind"]).name for n in inbox)
