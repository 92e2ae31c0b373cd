"""Task lists: filters for front ends and the calendar, and flat SQL counts (with every
outcome field too)."""

import pytest

from tests.api.archive_support import (
    attach,
    documents_in_tmp_settings,  # noqa: F401
)
from tests.api.results_support import NC, decide, mutate, review, running_task, submit
from tests.api.tasks_support import act, assign, create, issue, ok
from tests.client import factory

COUNT = "query($f: TaskFilter) { tasks(first: 100, filter: $f) { totalCount } }"


@pytest.fixture
async def some_tasks(api):
    a = ok(
        await issue(
            api,
            ok(await create(api, "E001", as_user="east.planner", window=("2026-03-01", "2026-03-02"))),
            as_user="east.planner",
        )
    )
    b = ok(
        await create(
            api,
            "E002",
            "SPECIAL",
            as_user="east.planner",
            specialTrigger="MEDIA_REPORT",
            window=("2026-06-10", "2026-06-12"),
        )
    )
    c = ok(await create(api, "S001", as_user="south.planner", window=("2026-06-11", "2026-06-11")))
    old = ok(await create(api, "E003", as_user="east.planner", window=("2025-01-01", "2025-01-02"), dueOn="2025-01-31"))
    return a, b, c, old


@pytest.mark.parametrize(
    ("login", "flt", "expected"),
    [
        ("hq.planner", {}, 4),
        ("east.planner", {}, 3),
        ("south.planner", {}, 1),
        ("east.planner", {"kind": "SPECIAL"}, 1),
        ("east.planner", {"status": "ISSUED"}, 1),
        ("hq.planner", {"responsibleUnit": "south"}, 1),
        ("hq.planner", {"windowFrom": "2026-06-01", "windowTo": "2026-06-30"}, 2),
        ("hq.planner", {"windowFrom": "2026-06-12", "windowTo": "2026-06-12"}, 1),
        ("hq.planner", {"overdue": True}, 1),
        ("hq.planner", {"overdue": False}, 3),
        ("hq.planner", {"year": 2025}, 1),
    ],
)
async def test_filters(api, some_tasks, login, flt, expected):
    data = await api.data(COUNT, {"f": flt}, as_user=login)
    assert data["tasks"]["totalCount"] == expected


async def test_filter_by_factory_and_certificate(api, some_tasks):
    f = await factory(api, "E001", as_user="east.planner")
    data = await api.data(COUNT, {"f": {"factoryId": f["id"]}}, as_user="east.planner")
    assert data["tasks"]["totalCount"] == 1
    cert = (
        await api.data(
            "query($f: ID!) { certificates(first: 1, filter: {factoryId: $f, status: VALID}) { nodes { id } } }",
            {"f": f["id"]},
            as_user="east.planner",
        )
    )["certificates"]["nodes"][0]["id"]
    data = await api.data(COUNT, {"f": {"certificateId": cert}}, as_user="east.planner")
    assert data["tasks"]["totalCount"] == 1
    body = await api.run(COUNT, {"f": {"factoryId": cert}}, as_user="east.planner")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


NESTED = """query($n: Int!) { tasks(first: $n) { totalCount nodes { id kind status overdue requirements
  factory { code classification responsibleUnit { code } } responsibleUnit { code } executingUnit { code }
  certificates { number status } team { login isLeader } children { id } aggregateStatus
  exceptions { reason } clauses { code } samplingSchemes { title } materials { sha256 }
  disclosedLabs { code } labRequests { text } timeline(first: 5) { totalCount nodes { action } }
  complex result { conclusion effectiveConclusion nonconformities { clause } } resultHistory { number }
  reviews { outcome } riskAssessments { level } decision { outcome } disputes { status }
  certificates { spotChecks { passed } suspensionExpired }
  archivedAt completeness { missing complete } personDays { planned actual byInspector { login } } } } }"""


async def test_sql_statements_stay_flat_for_the_task_list(api):
    plan = 'mutation { generatePlan(input: {unitCode: "east", year: 2026}) { createdCount } }'
    assert (await api.data(plan, as_user="hq.planner"))["generatePlan"]["createdCount"] >= 10
    tasks = (await api.data("{ tasks(first: 3) { nodes { id version } } }", as_user="east.planner"))["tasks"]["nodes"]
    for t in tasks:  # some tasks with a team, to have something to load
        t = ok(
            await act(
                api,
                "scheduleTask",
                "ScheduleTaskInput",
                t,
                as_user="east.planner",
                plannedStart="2026-05-01",
                plannedEnd="2026-05-01",
            )
        )
        t = ok(await issue(api, t, as_user="east.planner"))
    counts = {}
    for size in (2, 10):
        await api.data(NESTED, {"n": size}, as_user="hq.planner")
        with api.count_queries() as counter:
            data = await api.data(NESTED, {"n": size}, as_user="hq.planner")
        assert len(data["tasks"]["nodes"]) == size
        counts[size] = len(counter.statements)
    assert counts[2] == counts[10], counts
    # One statement per kind of nested data (team, certificates, children, clauses, timeline, results,
    # the facts behind completeness...).
    assert counts[10] <= 32, counts


async def test_team_assignment_is_visible_in_my_tasks_only_for_members(api):
    t = ok(await issue(api, ok(await create(api, "E008", as_user="east.planner")), as_user="east.planner"))
    ok(await assign(api, t, "east.inspector2", as_user="east.planner"))
    assert (await api.data("{ myTasks(first: 5) { totalCount } }", as_user="east.inspector2"))["myTasks"][
        "totalCount"
    ] == 1
    assert (await api.data("{ myTasks(first: 5) { totalCount } }", as_user="east.inspector1"))["myTasks"][
        "totalCount"
    ] == 0


def _statements(counter) -> int:
    """SQL sent for the request itself (the policy cache's periodic revision check aside)."""
    return len([s for s in counter.statements if "policy" not in s.lower()])


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
