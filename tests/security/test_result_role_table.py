"""Who may review, decide, change a result and settle a dispute (issue 5, DOMAIN §6), as a
table: every demo login against a task of each jurisdiction (East, South, HQ's North China,
and an overseas task delegated to the German agency).

Each attempt sends a wrong expectedVersion. A login the policy allows gets through the
authorization and stops at STALE_VERSION, so nothing changes between attempts. Anyone else
gets FORBIDDEN (when they may read the task) or NOT_FOUND (when they may not), and in both
cases no data. Assessing risk, flagging complex, escalating a dispute and recording a spot check
are checked the same way on an East task."""

from server.demo_world import STAFF
from tests.api.results_support import SPOT, codes, running_task, submit
from tests.api.tasks_support import act, assign, certificate_ids, create, issue, ok, start
from tests.client import error_codes

LOGINS = [login for login, *_ in STAFF] + ["ent.E001", "ent.S001", "ent.N001", "ent.D001"]
HQ = {"review": {"hq.reviewer"}, "decide": {"hq.decider"}, "change": {"hq.decider"},
      "settle": {"hq.reviewer", "hq.decider"}}  # fmt: skip
ALLOWED = {
    "E001": {"review": {"east.reviewer"}, "decide": {"east.decider"}, "change": {"east.decider"},
             "settle": {"east.reviewer", "east.decider"}},
    "S001": {"review": {"south.reviewer"}, "decide": {"south.decider"}, "change": {"south.decider"},
             "settle": {"south.reviewer", "south.decider"}},
    "N001": HQ,
    "D001": HQ,
}  # fmt: skip
MUTATIONS = {
    "review": ("reviewResults", "ReviewResultsInput", {"outcome": "AGREE"}),
    "decide": ("decideCertification", "DecideCertificationInput", {"outcome": "MAINTAIN", "reason": "r"}),
    "change": ("changeResult", "ChangeResultInput", {"conclusion": "FAIL", "reason": "r"}),
}
OPEN = "mutation($i: OpenDisputeInput!) { openDispute(input: $i) { dispute { id } userErrors { code } } }"


async def _submitted(api, code: str) -> dict:
    if code == "D001":
        task = ok(await create(api, code, as_user="hq.planner"))
        task = ok(await act(api, "delegateTask", "DelegateTaskInput", task, as_user="hq.planner",
                            agencyCode="agency-de", reason="Local partner"))  # fmt: skip
        task = ok(await issue(api, task, as_user="hq.planner"))
        task = ok(await start(api, ok(await assign(api, task, "agency.de.inspector", as_user="hq.planner")),
                              as_user="agency.de.inspector"))  # fmt: skip
        return ok(await submit(api, task, as_user="agency.de.inspector"))
    planner, leader = {"E001": ("east.planner", "east.inspector1"), "S001": ("south.planner", "south.inspector"),
                       "N001": ("hq.planner", "hq.inspector")}[code]  # fmt: skip
    return ok(await submit(api, await running_task(api, code, planner=planner, leader=leader), as_user=leader))


async def _attempt(api, action: str, target: dict, login: str) -> str:
    """'allowed', 'forbidden' or 'not found'; asserts that a denial carries no data."""
    if action == "settle":
        name, input_type, fields = "settleDispute", "SettleDisputeInput", {"settlement": "s"}
        body = {"disputeId": target["dispute"], "expectedVersion": 999, **fields}
        selection = "dispute { id subject } userErrors { code }"
    else:
        name, input_type, fields = MUTATIONS[action]
        body = {"taskId": target["id"], "expectedVersion": 999, **fields}
        selection = "task { id status } userErrors { code }"
    response = await api.run(
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} }} }}", {"i": body}, as_user=login
    )
    if "errors" in response:
        assert [e["extensions"]["code"] for e in response["errors"]] == ["FORBIDDEN"], response
        assert response["data"] is None or response["data"][name] is None
        return "forbidden"
    payload = response["data"][name]
    assert payload.get("task", payload.get("dispute")) is None, payload  # nothing leaks with the error
    found = [e["code"] for e in payload["userErrors"]]
    assert found in (["STALE_VERSION"], ["NOT_FOUND"]), (login, found)
    return "allowed" if found == ["STALE_VERSION"] else "not found"


async def test_review_decide_change_and_settle_by_role_and_jurisdiction(api):
    targets = {}
    for code, planner in (("E001", "east.planner"), ("S001", "south.planner"), ("N001", "hq.planner"),
                          ("D001", "hq.planner")):  # fmt: skip
        task = await _submitted(api, code)
        opened = await api.data(OPEN, {"i": {"taskId": task["id"], "subject": "Question"}}, as_user=planner)
        targets[code] = {"id": task["id"], "dispute": opened["openDispute"]["dispute"]["id"]}

    mismatches = []
    for code, target in targets.items():
        for action in ("review", "decide", "change", "settle"):
            for login in LOGINS:
                outcome = await _attempt(api, action, target, login)
                expected_allowed = login in ALLOWED[code][action]
                if (outcome == "allowed") != expected_allowed:
                    mismatches.append((code, action, login, outcome))
    assert mismatches == []


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
