"""The people directory (issue 12): planners choose inspectors, leaders and buyers from
`people`; who sees whom follows the policy (`person read`), a person's roles show only to who
may read their unit's people, and team members are people objects too."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from tortoise.connection import get_connection

from schema.relay import to_global_id
from store.models import PolicyRule, User
from tests.api.purchase_support import assign_buyer, purchase_input, purchase_task, record
from tests.api.tasks_support import assign, create, issue, ok

PEOPLE = """query($f: PeopleFilter, $first: Int) { people(filter: $f, first: $first) {
  totalCount edges { node { id login displayName active unit { code } roles { role unitCode } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on Person { login roles { role } } } }"
TEAM = """query($id: ID!) { node(id: $id) { ... on Task { team {
  login isLeader person { id login unit { code } roles { role unitCode } } } } } }"""


async def _people(api, as_user: str, **filter_) -> list[dict]:
    found = (await api.data(PEOPLE, {"f": filter_ or None, "first": 100}, as_user=as_user))["people"]
    assert found["totalCount"] == len(found["edges"])
    return [e["node"] for e in found["edges"]]


async def test_a_planner_chooses_among_the_people_of_their_own_unit(api):
    people = await _people(api, "east.planner")
    assert people and {p["unit"]["code"] for p in people} == {"east"}
    inspector = next(p for p in people if p["login"] == "east.inspector1")
    assert {"role": "INSPECTOR", "unitCode": "east"} in inspector["roles"]
    inspectors = await _people(api, "east.planner", role="INSPECTOR")
    assert inspectors and all(any(r["role"] == "INSPECTOR" for r in p["roles"]) for p in inspectors)
    assert "east.planner" not in {p["login"] for p in inspectors}
    assert [p["login"] for p in await _people(api, "east.planner", search="INSPECTOR1")] == ["east.inspector1"]
    assert await _people(api, "east.planner", unitCode="south") == []


async def test_hq_sees_everyone_and_picks_agency_inspectors_for_a_delegated_task(api):
    everyone = await _people(api, "hq.planner")
    assert {"east", "south", "hq", "agency-de"} <= {p["unit"]["code"] for p in everyone}
    agency = await _people(api, "hq.planner", unitCode="agency-de", role="AGENCY_INSPECTOR")
    assert agency and {p["unit"]["code"] for p in agency} == {"agency-de"}
    assert (await _people(api, "hq.admin")) and (await _people(api, "hq.auditor"))


async def test_people_who_choose_no_one_see_no_one(api):
    for login in ("east.inspector1", "ent.E001", "buyer.east", "hq.reviewer"):
        assert await _people(api, login) == [], login


async def test_a_person_resolves_by_id_only_for_who_may_see_them(api):
    south = await User.get(login="south.inspector")
    gid = to_global_id("Person", south.id)
    assert (await api.data(NODE, {"id": gid}, as_user="east.planner"))["node"] is None
    assert (await api.data(NODE, {"id": gid}, as_user="south.planner"))["node"]["login"] == "south.inspector"
    assert (await api.data(NODE, {"id": gid}, as_user="ent.E001"))["node"] is None


async def test_deactivated_people_are_left_out_unless_asked_for(api):
    await User.filter(login="east.inspector2").update(active=False)
    assert "east.inspector2" not in {p["login"] for p in await _people(api, "east.planner")}
    everyone = await _people(api, "east.planner", includeDeactivated=True)
    assert next(p for p in everyone if p["login"] == "east.inspector2")["active"] is False


async def test_team_members_are_people_and_roles_show_only_where_readable(api):
    task = ok(await create(api, "E001", as_user="east.planner"))
    task = ok(await issue(api, task, as_user="east.planner"))
    task = ok(await assign(api, task, "east.inspector1", ["east.inspector2"], as_user="east.planner"))
    team = (await api.data(TEAM, {"id": task["id"]}, as_user="east.planner"))["node"]["team"]
    assert {m["login"]: m["person"]["login"] for m in team} == {
        "east.inspector1": "east.inspector1",
        "east.inspector2": "east.inspector2",
    }
    assert all(m["person"]["roles"] for m in team)  # the planner reads the east's people
    inspector_view = (await api.data(TEAM, {"id": task["id"]}, as_user="east.inspector1"))["node"]["team"]
    assert [m["person"]["roles"] for m in inspector_view] == [[], []]  # an inspector does not


async def test_the_directory_costs_the_same_queries_for_two_people_or_fifty(api):
    await api.token("hq.planner")
    with api.count_queries() as few:
        await api.data(PEOPLE, {"first": 2}, as_user="hq.planner")
    with api.count_queries() as many:
        await api.data(PEOPLE, {"first": 50}, as_user="hq.planner")
    assert len(many.statements) == len(few.statements)


async def test_the_migration_gives_a_database_seeded_earlier_the_directory_lines(db):
    migration = importlib.import_module("store.migrations.0022_people_policy")
    await PolicyRule.filter(v2="person").delete()
    await migration.add_people_policy(None, SimpleNamespace(client=get_connection("default")))
    lines = {tuple(r.values()) for r in await PolicyRule.filter(v2="person")}
    assert lines == {tuple(line[1:]) for line in migration.PEOPLE_LINES}


BUYER = """query($id: ID!) { node(id: $id) { ... on PurchaseAssignment {
  buyer buyerPerson { login unit { code } roles { role } } purchases { buyer buyerPerson { login } } } } }"""


async def test_the_buyer_of_purchase_work_is_a_person_too(api):
    task = await purchase_task(api)
    assignment = (await assign_buyer(api, task))["assignment"]
    assert (await record(api, purchase_input(assignment["id"], "people-1")))["data"]["recordPurchase"][
        "userErrors"
    ] == []
    staff = (await api.data(BUYER, {"id": assignment["id"]}, as_user="east.planner"))["node"]
    assert staff["buyerPerson"]["login"] == staff["buyer"] == "buyer.east"
    assert staff["buyerPerson"]["roles"]  # the planner reads the people of the buyer's unit
    assert [p["buyerPerson"]["login"] for p in staff["purchases"]] == ["buyer.east"]
    own = (await api.data(BUYER, {"id": assignment["id"]}, as_user="buyer.east"))["node"]
    assert own["buyerPerson"]["login"] == "buyer.east" and own["buyerPerson"]["roles"] == []
