"""Who may review, decide, change a result and settle a dispute (issue 5, DOMAIN §6), as a
table: every demo login against a task of each jurisdiction (East, South, HQ's North China,
and an overseas task delegated to the German agency).

Each attempt sends a wrong expectedVersion. A login the policy allows gets through the
authorization and stops at STALE_VERSION, so nothing changes between attempts. Anyone else
gets FORBIDDEN (when they may read the task) or NOT_FOUND (when they may not), and in both
cases no data."""

from server.demo_world import STAFF
from tests.api.results_support import running_task, submit
from tests.api.tasks_support import act, assign, create, issue, ok, start

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
