"""Importing people into the demo world (both databases): logins without regard to case, the
row's roles becoming the person's roles in that unit (granted and revoked, audited, reaching the
enforcer after commit), and the guards of policy administration."""

from __future__ import annotations

import pytest

from policies.authorizer import Authorizer
from services.policy_sync import PolicySync
from store.models import RoleAssignment, User
from tests.services.import_support import audit_since, head, problems, run_import

pytestmark = pytest.mark.usefixtures("db")
HEADER = ["login", "display_name", "unit_code", "roles", "email"]


async def _roles(login: str) -> set[tuple[str, str]]:
    return set(await RoleAssignment.filter(user__login=login).values_list("role", "unit__code"))


async def test_new_people_get_their_roles_and_each_grant_is_audited():
    start = await head()
    rows = [HEADER, ["west.planner", "West planner", "west", "planner;检查员", "west@example.org"],
            ["lab.east9", "East lab tester", "east-lab-1", "lab_tester", ""]]  # fmt: skip
    outcome = await run_import("people", rows)
    assert (outcome.created, outcome.problems) == (2, [])
    user = await User.get(login="west.planner").select_related("unit")
    assert (user.display_name, user.unit.code, user.email, user.active) == ("West planner", "west",
                                                                            "west@example.org", True)  # fmt: skip
    assert await _roles("west.planner") == {("planner", "west"), ("inspector", "west")}
    records = [(r.action, r.object_type) for r in await audit_since(start)]
    assert records == [("import.create", "User"), ("import.create", "User"), ("role.assign", "RoleAssignment"),
                       ("role.assign", "RoleAssignment"), ("role.assign", "RoleAssignment"),
                       ("import.run", "Import")]  # fmt: skip


async def test_roles_follow_the_row_in_its_unit_and_reach_the_enforcer_after_commit():
    sync = PolicySync(Authorizer())
    await sync.refresh(force=True)
    inspector = await User.get(login="east.inspector1")
    assert not sync.authorizer.decide(inspector.id, "review", "task", ["unit:east"]).allowed
    start = await head()
    row = [
        "East.Inspector1",
        "East inspector 1",
        "east",
        "reviewer",
        "east.inspector1@demo.surveil.example",
    ]  # another case: the same person
    outcome = await run_import("people", [HEADER, row], as_login="hq.admin", sync=sync)
    assert (outcome.created, outcome.updated, outcome.problems) == (0, 1, [])
    assert await _roles("east.inspector1") == {("reviewer", "east")}
    records = await audit_since(start)
    assert [(r.action, r.actor) for r in records] == [("import.update", "hq.admin"), ("role.assign", "hq.admin"),
                                                      ("role.revoke", "hq.admin"), ("import.run", "hq.admin")]  # fmt: skip
    assert (records[0].before, records[0].after) == ({"roles": ["inspector"]}, {"roles": ["reviewer"]})
    assert records[2].before == {"user": "east.inspector1", "role": "inspector", "unit": "east"}
    assert sync.authorizer.decide(inspector.id, "review", "task", ["unit:east"]).allowed
    again = await run_import("people", [HEADER, row], as_login="hq.admin", sync=sync)
    assert again.unchanged == 1 and await head() == records[-1].seq


async def test_the_last_policy_administrator_stays_and_nobody_changes_their_own_roles():
    last = ["hq.admin", "HQ policy administrator", "hq", "auditor", ""]
    outcome = await run_import("people", [HEADER, last])
    assert problems(outcome) == [(2, "roles", "CONFLICT")]
    assert "last policy administrator" in outcome.problems[0].message
    assert await _roles("hq.admin") == {("policy_admin", "hq")}

    handing_over = [HEADER, last, ["hq.auditor", "HQ auditor", "hq", "auditor;policy_admin", ""]]
    assert problems(await run_import("people", handing_over)) == []  # another administrator appears at once
    assert ("policy_admin", "hq") in await _roles("hq.auditor")

    own = ["hq.auditor", "HQ auditor", "hq", "auditor", ""]
    refused = await run_import("people", [HEADER, own], as_login="hq.auditor")
    assert problems(refused) == [(2, "roles", "CONFLICT")]
    assert "your own roles" in refused.problems[0].message


async def test_rows_with_unknown_units_roles_the_unit_cannot_hold_and_bad_fields():
    rows = [HEADER, ["a.b", "A B", "mars", "planner", ""], ["c.d", "C D", "east", "lab_tester", ""],
            ["e.f", "", "south", "", "no-mail"], ["east.planner", "Again", "east", "planner", ""],
            ["EAST.PLANNER", "Twice", "east", "planner", ""]]  # fmt: skip
    outcome = await run_import("people", rows)
    assert problems(outcome) == [
        (2, "unit_code", "NOT_FOUND"),
        (3, "roles", "INVALID"),
        (4, "display_name", "REQUIRED"),
        (4, "roles", "REQUIRED"),
        (4, "email", "INVALID"),
        (6, "login", "CONFLICT"),
    ]
    assert (await User.get(login="east.planner")).display_name == "Again"
    assert not await User.filter(login__in=["a.b", "c.d", "e.f"]).exists()


async def test_a_file_without_the_email_column_leaves_addresses_alone():
    await User.filter(login="east.planner").update(email="planner@east.example.org")
    outcome = await run_import("people", [HEADER[:4], ["east.planner", "East planner", "east", "planner"]])
    assert (outcome.unchanged, outcome.problems) == (1, [])
    assert (await User.get(login="east.planner")).email == "planner@east.example.org"
    cleared = await run_import("people", [HEADER, ["east.planner", "East planner", "east", "planner", ""]])
    assert cleared.updated == 1 and (await User.get(login="east.planner")).email is None
