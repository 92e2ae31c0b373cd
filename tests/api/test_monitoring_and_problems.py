"""Monitoring statistics against a hand-counted scenario, their CSV export, who may read
them, and common problem reports between a sub-centre and HQ (issue 6)."""

from datetime import date

from server.cli_archive import statistics_csv
from services.archive import monitoring
from tests.api.archive_support import FILE_PROBLEM, PROBLEMS, STATS
from tests.api.results_support import NC, decide, mutate, review, running_task, submit
from tests.api.sampling_support import REPORT, _sample_under_test
from tests.api.tasks_support import act, assign, create, issue, ok
from tests.client import error_codes

PERIOD = {"from": "2026-10-01", "to": "2026-12-31"}


async def _scenario(api) -> None:
    """East, due in the period: (1) E001 passed and decided, with 2 planned and 1.5 actual
    person-days; (2) E002 failed with one non-conformity; (3) E003 issued, due later; (4) E004
    issued, due 2026-11-01: overdue; (5) E005 factory closed: an exception; (6) E006 a
    sampling task whose sample passed at east-lab-2 the day it was received."""
    first = await running_task(api, "E001")
    first = ok(await mutate(api, "setPlannedPersonDays", "SetPlannedPersonDaysInput",
                            {"taskId": first["id"], "expectedVersion": first["version"], "days": 2},
                            as_user="east.planner"))  # fmt: skip
    first = ok(await mutate(api, "recordPersonDays", "RecordPersonDaysInput",
                            {"taskId": first["id"], "expectedVersion": first["version"],
                             "entries": [{"login": "east.inspector1", "days": 1.5}]}, as_user="east.inspector1"))  # fmt: skip
    ok(await decide(api, ok(await review(api, ok(await submit(api, first))))))
    second = await running_task(api, "E002", leader="east.inspector2")
    ok(await submit(api, second, "FAIL", [NC], as_user="east.inspector2"))
    ok(await issue(api, ok(await create(api, "E003", as_user="east.planner")), as_user="east.planner"))
    late = ok(
        await create(api, "E004", as_user="east.planner", window=("2026-10-01", "2026-10-02"), dueOn="2026-11-01")
    )
    ok(await issue(api, late, as_user="east.planner"))
    closed = ok(await issue(api, ok(await create(api, "E005", as_user="east.planner",
                                                  window=("2026-12-10", "2026-12-11"))), as_user="east.planner"))  # fmt: skip
    closed = ok(await assign(api, closed, "east.inspector1", as_user="east.planner"))
    ok(await act(api, "reportTaskException", "ReportTaskExceptionInput", closed, as_user="east.inspector1",
                 reason="FACTORY_CLOSED", details="Gate locked, no production"))  # fmt: skip
    sample = await _sample_under_test(api, "E006", window=("2026-12-20", "2026-12-21"))
    body = {"sampleId": sample["id"], "expectedVersion": 4, "items": [{"item": "marking", "passed": True}],
            "conclusionPassed": True}  # fmt: skip
    assert (await api.data(REPORT, {"i": body}, as_user="lab.east2"))["submitLabReport"]["userErrors"] == []


EXPECTED = {
    "unitCode": "east",
    "tasksByKindAndStatus": [
        {"kind": "ROUTINE_NOTIFIED", "status": "DECIDED", "count": 1},
        {"kind": "ROUTINE_NOTIFIED", "status": "EXCEPTION", "count": 1},
        {"kind": "ROUTINE_NOTIFIED", "status": "ISSUED", "count": 2},
        {"kind": "ROUTINE_NOTIFIED", "status": "RESULTS_SUBMITTED", "count": 1},
        {"kind": "SAMPLING", "status": "IN_PROGRESS", "count": 1},
    ],
    "completed": 2, "completedOnTime": 2, "onTimeRate": 1.0, "overdue": 1,
    "exceptionsByReason": [{"reason": "FACTORY_CLOSED", "count": 1}],
    "results": 2, "resultsWithNonconformities": 1, "nonconformityRate": 0.5,
    "samplingByCategory": [{"productCategory": "C01", "tested": 1, "failed": 0, "failureRate": 0.0}],
    "personDaysPlanned": 2.0, "personDaysActual": 1.5,
    "personDaysByInspector": [{"login": "east.inspector1", "days": 1.5}],
}  # fmt: skip


async def test_statistics_match_the_hand_count(api):
    await _scenario(api)
    seen = (await api.data(STATS, {"unit": "east", **PERIOD}, as_user="east.reviewer"))["monitoring"]
    lab = seen.pop("labTurnaround")
    assert [(x["lab"], x["reports"]) for x in lab] == [("east-lab-2", 1)]
    assert lab[0]["meanWorkingDays"] in (0.0, 1.0)  # reported on the receipt day (1 if midnight fell between)
    assert seen == EXPECTED
    everything = (await api.data(STATS, PERIOD, as_user="hq.auditor"))["monitoring"]
    assert everything["unitCode"] is None and everything["results"] == 2 and everything["overdue"] == 1
    outside = (await api.data(STATS, {"unit": "east", "from": "2025-01-01", "to": "2025-12-31"},
                              as_user="east.planner"))["monitoring"]  # fmt: skip
    assert outside["tasksByKindAndStatus"] == [] and outside["onTimeRate"] is None

    stats = await monitoring.compute("east", date(2026, 10, 1), date(2026, 12, 31))
    rows = statistics_csv(stats).splitlines()
    assert rows[0] == "section,key,value,extra"
    assert "tasks,overdue,1," in rows and "results,with_nonconformities,1,0.5" in rows
    assert "person_days_by_inspector,east.inspector1,1.5," in rows


async def test_who_reads_statistics(api):
    for login, unit in (("south.planner", "east"), ("east.planner", None), ("east.inspector1", "east"),
                        ("ent.E001", "east"), ("lab.east1", "east"), ("agency.de.inspector", None)):  # fmt: skip
        assert error_codes(await api.run(STATS, {"unit": unit, **PERIOD}, as_user=login)) == ["FORBIDDEN"], login
    for login, unit in (("east.archivist", "east"), ("hq.planner", "south"), ("hq.decider", None)):
        assert "errors" not in await api.run(STATS, {"unit": unit, **PERIOD}, as_user=login), login


FILE = """mutation($i: FileProblemReportInput!) { fileProblemReport(input: $i) {
  report { id unitCode category title status taskIds messages { author fromHq text } } userErrors { field code } } }"""
POST = """mutation($i: PostProblemMessageInput!) { postProblemMessage(input: $i) {
  report { status messages { author fromHq text } } userErrors { field code } } }"""
LIST = "{ problemReports(first: 10) { totalCount nodes { title } } }"


async def test_common_problems_between_a_subcentre_and_hq(api):
    task = await running_task(api)
    body = {"category": "RULES", "title": "Unannounced sampling at seasonal factories",
            "description": "Factories closed out of season refuse unannounced sampling.", "taskIds": [task["id"]]}  # fmt: skip
    assert error_codes(await api.run(FILE, {"i": body}, as_user="east.inspector1")) == ["FORBIDDEN"]
    south_task = await running_task(api, "S001", planner="south.planner", leader="south.inspector")
    hidden = await api.data(FILE, {"i": {**body, "taskIds": [south_task["id"]]}}, as_user="east.planner")
    assert [e["code"] for e in hidden["fileProblemReport"]["userErrors"]] == ["NOT_FOUND"]
    filed = (await api.data(FILE, {"i": body}, as_user="east.planner"))["fileProblemReport"]["report"]
    assert (filed["unitCode"], filed["status"], filed["taskIds"]) == ("east", "OPEN", [task["id"]])

    assert (await api.data(LIST, as_user="south.planner"))["problemReports"]["totalCount"] == 0
    assert (await api.data(LIST, as_user="hq.auditor"))["problemReports"]["totalCount"] == 1
    reply = {"reportId": filed["id"], "text": "Treat a closed season as production stopped, not a refusal."}
    missing = (await api.data(POST, {"i": reply}, as_user="south.planner"))["postProblemMessage"]
    assert [e["code"] for e in missing["userErrors"]] == ["NOT_FOUND"]
    assert error_codes(await api.run(POST, {"i": reply}, as_user="hq.auditor")) == ["FORBIDDEN"]  # reads only
    answered = (await api.data(POST, {"i": reply}, as_user="hq.planner"))["postProblemMessage"]["report"]
    assert answered["status"] == "ANSWERED" and answered["messages"][0]["fromHq"] is True
    follow = {"reportId": filed["id"], "text": "Thanks; we will re-plan those tasks."}
    thread = (await api.data(POST, {"i": follow}, as_user="east.reviewer"))["postProblemMessage"]["report"]
    assert [(m["author"], m["fromHq"]) for m in thread["messages"]] == [("hq.planner", True), ("east.reviewer", False)]
    node = "query($id: ID!) { node(id: $id) { ... on ProblemReport { title status } } }"
    assert (await api.data(node, {"id": filed["id"]}, as_user="hq.reviewer"))["node"]["status"] == "ANSWERED"
    assert (await api.data(node, {"id": filed["id"]}, as_user="south.planner"))["node"] is None


def _statements(counter) -> int:
    """SQL sent for the request itself (the policy cache's periodic revision check aside)."""
    return len([s for s in counter.statements if "policy" not in s.lower()])


async def test_problem_reports_load_in_constant_queries(api):
    # Regression (fixed in cd0b10e): the problem-report presenter awaits r.fetch_related("filed_by")
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
