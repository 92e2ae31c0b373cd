"""Notice routes per unit and role (issue 14): HQ's policy administrators decide who receives
which notice through GraphQL; a route for one unit reaches only that unit's role holders, `*`
every unit's; removal stops it; everyone else is FORBIDDEN and learns nothing; each change is
audited with who and why; the fan-out's statements do not grow with the routes."""

from __future__ import annotations

from schema.relay import to_global_id
from services.notices.fanout import fan_out
from tests.client import error_codes
from tests.services.notice_support import worker, write_event

ROUTES = """query($kind: String, $unit: String) { noticeRoutes(kind: $kind, unitCode: $unit) {
  id kind role unitCode } }"""
ADD = """mutation($i: AddNoticeRouteInput!) { addNoticeRoute(input: $i) {
  route { id kind role unitCode } userErrors { field code message } } }"""
REMOVE = """mutation($i: RemoveNoticeRouteInput!) { removeNoticeRoute(input: $i) {
  route { id kind role unitCode } userErrors { field code message } } }"""
INBOX = "{ notifications(first: 20) { nodes { kind } } }"
AUDIT = """query($action: String!) { auditLog(first: 20, action: $action) {
  nodes { actor action objectType before after reason } } }"""
KIND = "task.exception"  # routed to planners everywhere by the seed, to nobody else
OUTSIDERS = ("hq.planner", "east.planner", "hq.auditor", "hq.decider", "east.inspector1", "ent.E001", "lab.east1")


async def _add(
    api, kind=KIND, role="inspector", unit="east", reason="Inspectors act on exceptions", as_user="hq.admin"
):
    body = {"kind": kind, "role": role, "unitCode": unit, "reason": reason}
    return (await api.data(ADD, {"i": body}, as_user=as_user))["addNoticeRoute"]


async def _remove(api, route_id: str, reason: str | None = "No longer needed", as_user="hq.admin"):
    return (await api.data(REMOVE, {"i": {"id": route_id, "reason": reason}}, as_user=as_user))["removeNoticeRoute"]


async def _told(api, settings, *logins: str) -> set[str]:
    """Who of `logins` receives a new exception notice for East and South."""
    before = {login: await _count(api, login) for login in logins}
    await write_event(KIND, units=["east", "south"], enterprise=None)
    await worker(settings).run_once()
    return {login for login in logins if await _count(api, login) > before[login]}


async def _count(api, login: str) -> int:
    nodes = (await api.data(INBOX, as_user=login))["notifications"]["nodes"]
    return sum(1 for n in nodes if n["kind"] == KIND)


async def test_a_route_for_one_unit_reaches_that_units_holders_and_star_reaches_every_unit(api, settings):
    inspectors = ("east.inspector1", "east.inspector2", "south.inspector", "hq.inspector")
    assert await _told(api, settings, *inspectors, "east.planner") == {"east.planner"}

    east = await _add(api)
    assert east["userErrors"] == []
    assert east["route"] | {"id": None} == {"id": None, "kind": KIND, "role": "inspector", "unitCode": "east"}
    assert await _told(api, settings, *inspectors) == {"east.inspector1", "east.inspector2"}

    every = await _add(api, unit="*", reason="Every inspector")
    assert every["userErrors"] == []
    # East's inspectors once each (routed twice); HQ is not in the event's audience.
    assert await _told(api, settings, *inspectors) == {"east.inspector1", "east.inspector2", "south.inspector"}

    assert (await _remove(api, every["route"]["id"]))["userErrors"] == []
    assert await _told(api, settings, *inspectors) == {"east.inspector1", "east.inspector2"}
    removed = await _remove(api, east["route"]["id"])
    assert removed == {"route": east["route"], "userErrors": []}  # what was removed, as it was
    assert await _told(api, settings, *inspectors, "south.planner") == {"south.planner"}


async def test_admins_read_every_route_and_a_planner_only_those_in_force_for_their_unit(api):
    east = (await _add(api))["route"]
    south = (await _add(api, unit="south", reason="South too"))["route"]
    everything = (await api.data(ROUTES, {"kind": KIND}, as_user="hq.admin"))["noticeRoutes"]
    assert [(r["role"], r["unitCode"]) for r in everything] == [
        ("inspector", "east"),
        ("inspector", "south"),
        ("planner", "*"),
    ]
    for_east = (await api.data(ROUTES, {"kind": KIND, "unit": "east"}, as_user="hq.admin"))["noticeRoutes"]
    assert {r["unitCode"] for r in for_east} == {"east", "*"}
    planner = (await api.data(ROUTES, {"kind": KIND}, as_user="east.planner"))["noticeRoutes"]
    assert east in planner and south not in planner and {r["unitCode"] for r in planner} == {"east", "*"}
    seeded = (await api.data(ROUTES, {}, as_user="hq.admin"))["noticeRoutes"]
    assert len(seeded) > 30 and all(r["unitCode"] == "*" for r in seeded if r["role"] != "inspector")
    # Another unit's routes: refused alike whether the unit exists or not.
    refusals = [
        (await api.run(ROUTES, {"unit": unit}, as_user="east.planner"))["errors"][0]["message"]
        for unit in ("south", "no-such-unit")
    ]
    assert refusals[0] == refusals[1]


async def test_every_other_role_is_forbidden_and_learns_nothing(api):
    route = (await _add(api))["route"]
    made_up = to_global_id("NoticeRoute", 999_999)
    for login in OUTSIDERS:
        messages = set()
        for query, body in (
            (ADD, {"kind": KIND, "role": "inspector", "unitCode": "south", "reason": "r"}),
            (ADD, {"kind": "no.such", "role": "nobody", "unitCode": "nowhere", "reason": "r"}),
            (REMOVE, {"id": route["id"], "reason": "r"}),
            (REMOVE, {"id": made_up, "reason": "r"}),
        ):
            answer = await api.run(query, {"i": body}, as_user=login)
            assert error_codes(answer) == ["FORBIDDEN"] and answer["data"] is None, (login, answer)
            messages.add((query, answer["errors"][0]["message"]))
        # The same refusal whether the route or the unit exists or not.
        assert len(messages) == 2, messages
        if login not in ("hq.planner", "east.planner"):
            answer = await api.run(ROUTES, {}, as_user=login)
            assert error_codes(answer) == ["FORBIDDEN"] and answer["data"] is None, (login, answer)
    # Nothing changed: the one route added above, and only its audit record.
    routes = (await api.data(ROUTES, {"kind": KIND}, as_user="hq.admin"))["noticeRoutes"]
    assert [r["role"] for r in routes] == ["inspector", "planner"]
    log = (await api.data(AUDIT, {"action": "notice_route.remove"}, as_user="hq.auditor"))["auditLog"]["nodes"]
    assert log == []


async def test_bad_input_gets_typed_errors_and_changes_are_audited_with_who_and_why(api):
    wrong = await _add(api, kind="no.such", role="nobody", unit="nowhere")
    assert sorted((e["field"], e["code"]) for e in wrong["userErrors"]) == [
        (["input", "kind"], "INVALID"),
        (["input", "role"], "INVALID"),
        (["input", "unitCode"], "NOT_FOUND"),
    ]
    assert {e["message"] for e in wrong["userErrors"]} >= {"unknown role 'nobody'", "no unit 'nowhere'"}
    assert [e["code"] for e in (await _add(api, reason=" "))["userErrors"]] == ["REQUIRED"]
    added = await _add(api, unit="ent-e001", role="enterprise", kind="review.due", reason="The enterprise asked")
    assert added["userErrors"] == []
    duplicate = await _add(api, unit="ent-e001", role="enterprise", kind="review.due")
    assert [(e["code"], e["message"]) for e in duplicate["userErrors"]] == [
        ("CONFLICT", "this notice route exists already")
    ]
    assert [e["code"] for e in (await _remove(api, added["route"]["id"], reason=None))["userErrors"]] == ["REQUIRED"]
    assert (await _remove(api, added["route"]["id"], reason="Asked in error"))["userErrors"] == []
    again = await _remove(api, added["route"]["id"])
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(["input", "id"], "NOT_FOUND")]
    # Re-adding a removed route works (the row was deleted; the audit trail keeps it).
    assert (await _add(api, unit="ent-e001", role="enterprise", kind="review.due"))["userErrors"] == []

    content = {"kind": "review.due", "role": "enterprise", "unit": "ent-e001"}
    adds = (await api.data(AUDIT, {"action": "notice_route.add"}, as_user="hq.auditor"))["auditLog"]["nodes"]
    removes = (await api.data(AUDIT, {"action": "notice_route.remove"}, as_user="hq.auditor"))["auditLog"]["nodes"]
    assert [(e["actor"], e["objectType"], e["after"], e["reason"]) for e in adds] == [
        ("hq.admin", "NoticeRoute", content, "The enterprise asked"),
        ("hq.admin", "NoticeRoute", content, "Inspectors act on exceptions"),
    ]
    assert [(e["actor"], e["before"], e["reason"]) for e in removes] == [("hq.admin", content, "Asked in error")]


async def test_the_fan_out_takes_the_same_statements_with_many_routes(api, settings):
    async def statements() -> int:
        event_id = await write_event(KIND, units=["east", "south", "hq"], enterprise="ent-e001")
        with api.count_queries() as counter:
            reached = await fan_out(event_id=event_id)
        assert reached > 0
        return len(counter.statements)

    await api.data(ROUTES, {}, as_user="hq.admin")  # the token and the policy cache, outside the count
    few = await statements()
    for unit in ("east", "south", "hq", "*"):
        for role in ("inspector", "reviewer", "decider", "archivist", "market_buyer"):
            assert (await _add(api, unit=unit, role=role, reason="Many routes"))["userErrors"] == []
    assert (await _add(api, unit="ent-e001", role="enterprise", reason="Many routes"))["userErrors"] == []
    many = await statements()
    assert many == few, (few, many)
