"""Independence (docs/domain.md, Independence): whoever inspected for a task (its team, the
team of its parts, a member removed before the start) does not review, decide, change or
settle a dispute on it, and whoever reviewed it does not decide it.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

from tests.api.results_support import (
    NC,
    SERIOUS,
    _change,
    _relocation_with_failed_marking_sample,
    codes,
    decide,
    grant,
    mutate,
    review,
    reviewed_task,
    running_task,
    submit,
)
from tests.api.tasks_support import assign, create, issue, ok, start


async def test_independence_of_reviewer_and_decider(api):
    await grant(api, "east.reviewer", "INSPECTOR", "east")
    task = await running_task(api, leader="east.inspector1", members=["east.reviewer"])
    task = ok(await submit(api, task))
    refused = await review(api, task)
    assert codes(refused) == ["CONFLICT"] and "team" in refused["userErrors"][0]["message"]

    await grant(api, "east.decider", "REVIEWER", "east")
    other = ok(await submit(api, await running_task(api, "E002", window=("2026-12-10", "2026-12-11"))))
    other = ok(await review(api, other, as_user="east.decider"))
    refused = await decide(api, other)
    assert codes(refused) == ["CONFLICT"] and "reviewer" in refused["userErrors"][0]["message"]


async def test_a_team_member_who_also_decides_cannot_change_the_result(api):
    # Regression (fixed in cd0b10e): services/results/decide.py change_result never calls check_independence.
    # Changing a decided result is a decision (only the unit that may decide it, DOMAIN §5.10), yet the team
    # leader, once also a decision maker, rewrites the verdict on his own inspection.
    await grant(api, "east.inspector1", "DECIDER", "east")
    task = ok(await decide(api, await reviewed_task(api, "E001", "FAIL", [SERIOUS]), "SUSPEND", "FAILED_INSPECTION"))
    own = await _change(api, task, as_user="east.inspector1", conclusion="PASS_AFTER_CORRECTION",
                        reason="Our finding was too harsh")  # fmt: skip
    assert codes(own) == ["CONFLICT"], own


async def test_a_reviewer_of_the_task_does_not_decide_it(api):
    # Regression (fixed in cd0b10e): decide() checks independence only against the reviewer who *agreed* on
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
    # Regression (fixed in cd0b10e): facts.team_ids() only looks at the task's own team, while the decision
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


async def test_a_team_member_does_not_settle_a_dispute_on_his_own_result(api):
    # Regression: services/results/disputes.py settle/escalate check the role only. The leader whose finding the
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
