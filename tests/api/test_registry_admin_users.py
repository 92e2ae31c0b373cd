"""Registry administration: people registered, corrected, deactivated and reactivated by HQ's
policy administrators (issue 12). Roles given at registration go through assignRole's path; a
deactivated person's token stops at its next request; e-mail addresses show only to who may
read the person's unit's people."""

from __future__ import annotations

import pytest

from store.models import AuditEntry, RoleAssignment, User
from tests.api.registry_admin_support import (
    OUTSIDERS,
    PERSON,
    errors,
    ok,
    person_id,
    refusal,
    send,
    trail,
    writes_nothing,
)
from tests.api.tasks_support import assign, create, issue
from tests.api.tasks_support import ok as task_ok
from tests.client import error_codes

PAYLOAD = f"person {{ {PERSON} }}"
NEW = {"login": "east.inspector3", "displayName": "East inspector 3", "unitCode": "east",
       "email": "inspector3@east.example.cn", "roles": ["INSPECTOR"], "reason": "Joined the east sub-centre"}  # fmt: skip
TEAM = """query($id: ID!) { node(id: $id) { ... on Task { team { login person { login email } } } } }"""
PEOPLE = "{ people(first: 100) { nodes { login email } } }"


async def create_user(api, body: dict, as_user: str = "hq.admin") -> dict:
    return await send(api, "createUser", "CreateUserInput", PAYLOAD, body, as_user=as_user)


async def person_action(api, name: str, login: str, as_user: str = "hq.admin", reason: str = "Left") -> dict:
    body = {"personId": await person_id(login), "reason": reason}
    return await send(api, name, "PersonActionInput", PAYLOAD, body, as_user=as_user)


async def update_user(api, login: str, as_user: str = "hq.admin", **fields) -> dict:
    body = {"personId": await person_id(login), "reason": "Corrected", **fields}
    return await send(api, "updateUser", "UpdateUserInput", PAYLOAD, body, as_user=as_user)


async def test_a_registered_person_holds_their_roles_and_signs_in(api):
    person = ok(await create_user(api, NEW), "person")
    assert (person["login"], person["active"], person["unit"]) == ("east.inspector3", True, {"code": "east"})
    assert person["email"] == "inspector3@east.example.cn"
    assert person["roles"] == [{"role": "INSPECTOR", "unitCode": "east"}]
    entries = await trail(api, person["id"])
    assert entries[0]["action"] == "user.create" and entries[0]["after"]["roles"] == ["inspector"]
    assert await AuditEntry.filter(action="role.assign", reason=NEW["reason"]).count() == 1
    seen = await api.data("{ factories(first: 50) { totalCount } }", as_user="east.inspector3")
    assert seen["factories"]["totalCount"] > 0
    bare = ok(await create_user(api, {**NEW, "login": "east.clerk", "roles": [], "email": None}), "person")
    assert bare["roles"] == [] and bare["email"] is None


async def test_bad_people_are_refused_field_by_field(api):
    async with writes_nothing():
        bad = {**NEW, "login": "-x", "displayName": "", "email": "nope", "roles": ["LAB_TESTER"]}
        assert errors(await create_user(api, bad)) == {
            "login": "INVALID", "displayName": "REQUIRED", "email": "INVALID", "roles": "INVALID"
        }  # fmt: skip
        assert errors(await create_user(api, {**NEW, "login": "EAST.PLANNER"})) == {"login": "CONFLICT"}
        assert errors(await create_user(api, {**NEW, "unitCode": "nowhere"})) == {"unitCode": "NOT_FOUND"}
        agency = {**NEW, "unitCode": "agency-de", "roles": ["PLANNER"]}
        assert errors(await create_user(api, agency)) == {"roles": "INVALID"}
        assert errors(await update_user(api, "east.planner", email="a b@c.cn")) == {"email": "INVALID"}
        assert errors(await update_user(api, "east.planner", displayName="East planner")) == {"": "NO_CHANGE"}


async def test_names_and_addresses_are_corrected_and_shown_only_to_who_reads_the_unit(api):
    changed = ok(await update_user(api, "east.inspector1", displayName="Wang Li", email="wang.li@east.example.cn"),
                 "person")  # fmt: skip
    assert (changed["displayName"], changed["email"]) == ("Wang Li", "wang.li@east.example.cn")
    entry = (await trail(api, changed["id"]))[-1]
    assert (entry["action"], entry["before"], entry["after"]) == (
        "user.update", {"displayName": "East inspector 1", "email": "east.inspector1@demo.surveil.example"},
        {"displayName": "Wang Li", "email": "wang.li@east.example.cn"},
    )  # fmt: skip
    planner_view = {p["login"]: p["email"] for p in (await api.data(PEOPLE, as_user="east.planner"))["people"]["nodes"]}
    assert planner_view["east.inspector1"] == "wang.li@east.example.cn"
    task = task_ok(await create(api, "E001", as_user="east.planner"))
    task = task_ok(await issue(api, task, as_user="east.planner"))
    task = task_ok(await assign(api, task, "east.inspector1", as_user="east.planner"))
    team = (await api.data(TEAM, {"id": task["id"]}, as_user="east.inspector1"))["node"]["team"]
    assert team == [{"login": "east.inspector1", "person": {"login": "east.inspector1", "email": None}}]
    cleared = ok(await update_user(api, "east.inspector1", email=None), "person")
    assert cleared["email"] is None and cleared["displayName"] == "Wang Li"


async def test_a_deactivated_persons_token_stops_at_its_next_request_and_works_again_after(api):
    assert "errors" not in await api.run("{ viewer { login } }", as_user="east.inspector2")
    done = ok(await person_action(api, "deactivateUser", "east.inspector2", reason="离职 Left the service"), "person")
    assert done["active"] is False
    body = await api.run("{ viewer { login } }", as_user="east.inspector2")
    assert error_codes(body) == ["UNAUTHENTICATED"]
    entry = (await trail(api, done["id"]))[-1]
    assert (entry["action"], entry["after"], entry["reason"]) == (
        "user.deactivate", {"active": False}, "离职 Left the service"
    )  # fmt: skip
    async with writes_nothing():
        assert errors(await person_action(api, "deactivateUser", "east.inspector2")) == {"personId": "NO_CHANGE"}
    assert ok(await person_action(api, "reactivateUser", "east.inspector2", reason="Returned"), "person")["active"]
    assert (await api.data("{ viewer { login } }", as_user="east.inspector2"))["viewer"]["login"] == "east.inspector2"


async def test_nobody_deactivates_themselves_or_the_last_policy_administrator(api):
    async with writes_nothing():
        assert errors(await person_action(api, "deactivateUser", "hq.admin")) == {"personId": "CONFLICT"}
    grant = {"ptype": "p", "values": ["auditor", "unit:hq", "user", "manage"], "reason": "Auditors offboard people"}
    added = await api.data("mutation($i: PolicyRuleInput!) { addPolicyRule(input: $i) { userErrors { code } } }",
                           {"i": grant}, as_user="hq.admin")  # fmt: skip
    assert added["addPolicyRule"]["userErrors"] == []
    async with writes_nothing():
        last = await person_action(api, "deactivateUser", "hq.admin", as_user="hq.auditor")
        assert errors(last) == {"personId": "CONFLICT"}
    assert await User.filter(login="hq.admin", active=True).exists()


@pytest.mark.parametrize("login", [*OUTSIDERS, "hq.planner"])
async def test_only_people_administrators_register_and_deactivate(api, login):
    await api.token(login)
    async with writes_nothing():
        assert refusal(await create_user(api, NEW, as_user=login)) == "FORBIDDEN"
        assert refusal(await update_user(api, "east.inspector1", as_user=login, displayName="X")) == "FORBIDDEN"
        for name in ("deactivateUser", "reactivateUser"):
            assert refusal(await person_action(api, name, "east.inspector1", as_user=login)) == "FORBIDDEN"
    assert await User.filter(login="east.inspector1", active=True, display_name="East inspector 1").exists()
    assert not await RoleAssignment.filter(user__login="east.inspector3").exists()
