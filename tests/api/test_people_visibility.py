"""The people directory from every side (pinned after an outside attack): who sees whom for
each demo login, roles only in units whose people the viewer may read (in lists, on teams and
buyers), filters that reveal nothing about other units, bad input as typed errors, paging
both ways, and constant SQL."""

from __future__ import annotations

from schema.relay import to_global_id
from store.models import User
from tests.api.purchase_support import assign_buyer, purchase_task
from tests.api.tasks_support import assign, create, issue, ok

PEOPLE = """query($f: PeopleFilter, $first: Int, $after: String, $last: Int, $before: String) {
  people(filter: $f, first: $first, after: $after, last: $last, before: $before) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id login active unit { code } roles { role unitCode } } } } }"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Person { login unit { code } roles { role unitCode } } } }"
TEAM = (
    """query($id: ID!) { node(id: $id) { ... on Task { team { login person { login roles { role unitCode } } } } } }"""
)
BUYER = """query($id: ID!) { node(id: $id) { ... on PurchaseAssignment { buyerPerson { login roles { role } } } } }"""
ASSIGN = """mutation($input: RoleAssignmentInput!) { assignRole(input: $input) { userErrors { code } } }"""


async def _grant(api, login: str, role: str, unit: str) -> None:
    done = await api.data(
        ASSIGN, {"input": {"login": login, "role": role, "unitCode": unit, "reason": "attack"}}, as_user="hq.admin"
    )
    assert done["assignRole"]["userErrors"] == []


async def _people(api, as_user: str, **flt) -> dict:
    return (await api.data(PEOPLE, {"f": flt or None, "first": 100}, as_user=as_user))["people"]


# --- roles of a person held in units the viewer may not read ------------------------------


async def test_a_planner_does_not_see_roles_held_in_a_unit_whose_people_they_may_not_read(api):
    """east.inspector1 also reviews for the south. The east planner may read the east's people,
    not the south's: the south role is the south's membership and must not show."""
    await _grant(api, "east.inspector1", "REVIEWER", "south")
    found = await _people(api, "east.planner", search="east.inspector1")
    roles = {(r["role"], r["unitCode"]) for r in found["edges"][0]["node"]["roles"]}
    assert ("REVIEWER", "south") not in roles, roles


async def test_the_role_filter_is_no_oracle_for_roles_in_units_the_viewer_may_not_read(api):
    """Without unitCode, `role` matches a role held anywhere: the east planner's count of
    reviewers grows when an east person gets a south role (the south's membership leaks)."""
    before = (await _people(api, "east.planner", role="REVIEWER"))["totalCount"]
    await _grant(api, "east.inspector1", "REVIEWER", "south")
    after = await _people(api, "east.planner", role="REVIEWER")
    assert after["totalCount"] == before, [e["node"]["login"] for e in after["edges"]]


async def test_team_member_roles_in_other_units_stay_hidden(api):
    await _grant(api, "east.inspector1", "REVIEWER", "south")
    task = ok(await create(api, "E001", as_user="east.planner"))
    task = ok(await issue(api, task, as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    team = (await api.data(TEAM, {"id": task["id"]}, as_user="east.planner"))["node"]["team"]
    roles = {(r["role"], r["unitCode"]) for m in team for r in m["person"]["roles"]}
    assert ("REVIEWER", "south") not in roles, roles


# --- who sees whom -----------------------------------------------------------------------


async def test_hq_directory_roles_see_all_staff_and_no_enterprise_people(api):
    """Regression of the field's promise ('HQ ... everyone'): the directory lists staff to pick
    from — every sub-centre, agency, lab and HQ person — never an enterprise's people (no
    g2 line puts enterprises under HQ, and nobody picks them for a team)."""
    staff = await User.exclude(unit__kind="ENTERPRISE").count()
    for login in ("hq.planner", "hq.admin", "hq.auditor"):
        assert (await _people(api, login))["totalCount"] == staff, login
    ent = await User.get(login="ent.E001")
    found = await api.data(NODES, {"ids": [to_global_id("Person", ent.id)]}, as_user="hq.admin")
    assert found["nodes"] == [None]


async def test_every_demo_login_sees_what_the_policy_gives(api):
    expected = {
        "hq.planner": None,
        "hq.admin": None,
        "hq.auditor": None,
        "east.planner": {"east"},
        "south.planner": {"south"},
    }
    logins = [u.login for u in await User.all()]
    for login in logins:
        page = await _people(api, login)
        units = {e["node"]["unit"]["code"] for e in page["edges"]}
        if login in expected and expected[login] is not None:
            assert units == expected[login], login
        elif login not in expected:
            assert page["totalCount"] == 0 and units == set(), login


async def test_hq_staff_without_people_rights_see_no_roles_on_teams_and_buyers(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    task = ok(await issue(api, task, as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    ptask = await purchase_task(api, code="E002")
    assignment = (await assign_buyer(api, ptask))["assignment"]
    for login in ("hq.reviewer", "hq.decider", "hq.archivist", "east.reviewer", "east.decider", "east.archivist"):
        team = (await api.data(TEAM, {"id": task["id"]}, as_user=login))["node"]
        if team is not None:
            assert all(m["person"]["roles"] == [] for m in team["team"]), login
        buyer = (await api.data(BUYER, {"id": assignment["id"]}, as_user=login))["node"]
        if buyer is not None:
            assert buyer["buyerPerson"]["roles"] == [], login


# --- search ------------------------------------------------------------------------------


# --- pagination --------------------------------------------------------------------------


async def test_paging_forward_and_backward_gives_the_whole_list_once(api):
    whole = [e["node"]["login"] for e in (await _people(api, "hq.planner", includeDeactivated=True))["edges"]]
    await User.filter(login="east.inspector2").update(active=False)
    whole_active = [login for login in whole if login != "east.inspector2"]
    forward, after = [], None
    while True:
        page = (await api.data(PEOPLE, {"first": 5, "after": after}, as_user="hq.planner"))["people"]
        assert page["totalCount"] == len(whole_active)
        forward += [e["node"]["login"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert forward == whole_active
    backward, before = [], None
    while True:
        page = (await api.data(PEOPLE, {"last": 5, "before": before}, as_user="hq.planner"))["people"]
        backward = [e["node"]["login"] for e in page["edges"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == whole_active


# --- statements per request --------------------------------------------------------------


async def test_nodes_of_two_people_or_forty_cost_the_same_statements(api):
    ids = [to_global_id("Person", u.id) for u in await User.all().order_by("id")]
    await api.token("hq.planner")
    with api.count_queries() as few:
        await api.data(NODES, {"ids": ids[:2]}, as_user="hq.planner")
    with api.count_queries() as many:
        await api.data(NODES, {"ids": ids[:40]}, as_user="hq.planner")
    assert len(many.statements) == len(few.statements)


async def test_the_directory_costs_the_same_with_filters_for_few_or_many(api):
    await api.token("hq.planner")
    flt = {"role": "INSPECTOR", "search": "e", "includeDeactivated": True}
    with api.count_queries() as few:
        await api.data(PEOPLE, {"f": flt, "first": 1}, as_user="hq.planner")
    with api.count_queries() as many:
        await api.data(PEOPLE, {"f": flt, "first": 100}, as_user="hq.planner")
    assert len(many.statements) == len(few.statements)
