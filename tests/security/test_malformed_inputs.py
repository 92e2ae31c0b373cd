"""Malformed values inside well-formed GraphQL requests: ids out of range or not canonical,
dates out of range, numbers that are no numbers, over-long text, bodies past the limit. Each
is a user error or a clean GraphQL error, never an internal error.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

from schema.relay import to_global_id
from tests.api.archive_support import (
    FILE_PROBLEM,
    documents_in_tmp_settings,  # noqa: F401
)
from tests.api.results_support import SPOT, running_task
from tests.api.tasks_support import certificate_ids, codes, create, ok
from tests.client import error_codes

STATS = """query($unit: String, $from: Date!, $to: Date!) { monitoring(unitCode: $unit, dateFrom: $from, dateTo: $to) {
  completed results overdue } }"""
PLANNED = "mutation($i: SetPlannedPersonDaysInput!) { setPlannedPersonDays(input: $i) { userErrors { code } } }"
POST_MESSAGE = "mutation($i: PostProblemMessageInput!) { postProblemMessage(input: $i) { userErrors { code } } }"


async def test_bad_ids_and_uploads_are_clean_errors(api):
    huge = to_global_id("Task", 3_000_000_000)
    body = await api.run("query($id: ID!) { node(id: $id) { id } }", {"id": huge}, as_user="hq.planner")
    assert body["data"] == {"node": None} and "errors" not in body
    body = await api.run(
        "query($f: ID) { tasks(first: 1, filter: {factoryId: $f}) { totalCount } }",
        {"f": to_global_id("Factory", 3_000_000_000)},
        as_user="hq.planner",
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    token = await api.token("hq.planner")
    for path in ("/documents/3000000000", "/documents/99999999999999999999999"):
        response = await api.http.get(path, headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 404
    task = ok(await create(api, "E001", as_user="east.planner"))
    body = await api.run(
        "mutation($i: AttachTaskMaterialInput!) { attachTaskMaterial(input: $i) { userErrors { code field } } }",
        {"i": {"taskId": task["id"], "file": "abc"}},
        as_user="east.planner",
    )
    assert "INTERNAL_SERVER_ERROR" not in str(body)


async def test_non_canonical_ids_are_clean_errors(api):
    import base64

    def raw(text):
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    for bad in ("Factory:²", "Factory:١", "Factory:00001"):
        body = await api.run("query($id: ID!) { node(id: $id) { id } }", {"id": raw(bad)}, as_user="east.planner")
        assert body["data"] == {"node": None} and "errors" not in body, bad
    body = await api.run(
        "query($a: String) { factories(first: 2, after: $a) { totalCount } }",
        {"a": raw("cursor:²")},
        as_user="east.planner",
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_dates_out_of_range_and_huge_bodies_are_refused(api):
    assert codes(await create(api, "E001", as_user="east.planner", window=("0001-01-01", "0001-01-02"))) == ["INVALID"]
    response = await api.http.post(
        "/graphql",
        content=b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * 1_100_000 + b'"}}',
        headers={"content-type": "application/json", "authorization": f"Bearer {await api.token('east.planner')}"},
    )
    assert response.status_code == 413


async def test_malformed_inputs_are_user_errors_not_crashes(api):
    # Regression (fixed in cd0b10e): resolvers/archive.py monitoring lets the DomainError of
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
