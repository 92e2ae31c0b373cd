"""Registry administration: org units (issue 12). HQ's policy administrator registers and
changes units; a new sub-centre is overseen by HQ, its planner signs in and sees the factories
routed to it; provinces moved between sub-centres take their factories and open tasks along."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from tortoise.connection import get_connection

from policies.authorizer import read_seed_policy
from store.models import AuditEntry, Factory, OrgUnit, PolicyRule
from tests.api.registry_admin_support import (
    FACTORY,
    OUTSIDERS,
    PERSON,
    UNIT,
    errors,
    ok,
    refusal,
    send,
    trail,
    unit_id,
    writes_nothing,
)
from tests.api.tasks_support import create, get
from tests.api.tasks_support import ok as task_ok
from tests.client import factory

NORTH = {"code": "north", "kind": "SUBCENTER", "name": "North-east Sub-centre", "nameZh": "东北分中心",
         "provinces": ["Liaoning", "Jilin"], "reason": "东北分中心成立 New sub-centre"}  # fmt: skip
LIAONING_FACTORY = {"code": "NE001", "name": "Shenyang Beifang Cable", "address": "9 Beiling St, Shenyang",
                    "country": "CN", "province": "Liaoning", "classification": "B", "reason": "New applicant"}  # fmt: skip


async def create_unit(api, body: dict, as_user: str = "hq.admin") -> dict:
    return await send(api, "createOrgUnit", "CreateOrgUnitInput", f"unit {{ {UNIT} }}", body, as_user=as_user)


async def update_unit(api, body: dict, as_user: str = "hq.admin") -> dict:
    return await send(api, "updateOrgUnit", "UpdateOrgUnitInput", f"unit {{ {UNIT} }}", body, as_user=as_user)


async def test_a_new_subcentre_is_overseen_by_hq_and_its_planner_sees_what_is_routed_to_it(api):
    unit = ok(await create_unit(api, NORTH), "unit")
    assert (unit["code"], unit["kind"], unit["provinces"]) == ("north", "SUBCENTER", ["Liaoning", "Jilin"])
    assert await PolicyRule.filter(ptype="g2", v0="unit:north", v1="unit:hq").exists()
    [entry] = await trail(api, unit["id"])
    assert (entry["action"], entry["actor"], entry["reason"]) == ("unit.create", "hq.admin", NORTH["reason"])
    assert entry["after"]["overseenBy"] == "hq" and entry["after"]["provinces"] == ["Liaoning", "Jilin"]

    made = ok(await send(api, "createFactory", "CreateFactoryInput", f"factory {{ {FACTORY} }}", LIAONING_FACTORY,
                         as_user="hq.planner"), "factory")  # fmt: skip
    assert made["responsibleUnit"] == {"code": "north"}
    person = {"login": "north.planner", "displayName": "North planner", "unitCode": "north", "roles": ["PLANNER"],
              "reason": "Staff of the new sub-centre"}  # fmt: skip
    ok(await send(api, "createUser", "CreateUserInput", f"person {{ {PERSON} }}", person, as_user="hq.admin"), "person")
    seen = await api.data("{ factories(first: 50) { nodes { code } } }", as_user="north.planner")
    assert [n["code"] for n in seen["factories"]["nodes"]] == ["NE001"]
    assert await factory(api, "NE001", as_user="east.planner") is None
    assert (await factory(api, "NE001", as_user="hq.planner"))["responsibleUnit"] == {"code": "north"}  # HQ oversees


async def test_an_enterprise_is_not_overseen_and_its_administrators_see_it(api):
    body = {"code": "ent-new", "kind": "ENTERPRISE", "name": "New Co.", "nameZh": "新公司", "reason": "Applicant"}
    unit = ok(await create_unit(api, body), "unit")
    assert not await PolicyRule.filter(v0="unit:ent-new").exists()
    assert (await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": unit["id"]}, as_user="hq.admin"))[
        "node"
    ] == {"id": unit["id"]}
    nobody = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": unit["id"]}, as_user="east.planner")
    assert nobody["node"] is None  # an enterprise is known to who reads its factories


@pytest.mark.parametrize("login", [*OUTSIDERS, "hq.planner"])
async def test_only_policy_administrators_create_and_change_units(api, login):
    await api.token(login)
    east = await unit_id("east")
    async with writes_nothing():
        assert refusal(await create_unit(api, NORTH, as_user=login)) == "FORBIDDEN"
        change = {"unitId": east, "name": "Renamed", "reason": "no"}
        assert refusal(await update_unit(api, change, as_user=login)) == "FORBIDDEN"


async def test_bad_units_are_refused_field_by_field(api):
    async with writes_nothing():
        bad = await create_unit(api, {**NORTH, "code": "North", "nameZh": " ", "provinces": [], "regions": ["east"]})
        assert errors(bad) == {"code": "INVALID", "nameZh": "REQUIRED", "provinces": "REQUIRED", "regions": "INVALID"}
        assert errors(await create_unit(api, {**NORTH, "code": "hq2", "kind": "HQ", "provinces": []})) == {
            "kind": "CONFLICT"
        }
        assert errors(await create_unit(api, {**NORTH, "code": "east"})) == {"code": "CONFLICT"}
        assert errors(await create_unit(api, {**NORTH, "provinces": ["Beijing"]})) == {"provinces": "JURISDICTION"}
        lab = {**NORTH, "code": "north-lab", "kind": "LAB", "provinces": [], "regions": ["nowhere"]}
        assert errors(await create_unit(api, lab)) == {"regions": "NOT_FOUND"}
        assert errors(await create_unit(api, {**NORTH, "reason": ""})) == {"reason": "REQUIRED"}
        assert errors(await update_unit(api, {"unitId": "T3JnVW5pdDo5OTk=", "name": "x", "reason": "r"})) == {
            "unitId": "NOT_FOUND"
        }


async def test_a_province_given_to_another_subcentre_takes_its_factories_and_open_tasks(api):
    task = task_ok(await create(api, "E002", as_user="east.planner"))  # Jiangsu, east's
    ok(await create_unit(api, NORTH), "unit")
    body = {"unitId": await unit_id("north"), "provinces": ["Liaoning", "Jilin", "Jiangsu"],
            "reason": "江苏划归东北分中心 Jiangsu moves to the north-east"}  # fmt: skip
    unit = ok(await update_unit(api, body), "unit")
    assert unit["provinces"] == ["Liaoning", "Jilin", "Jiangsu"]
    east = (await api.data("query($id: ID!) { node(id: $id) { ... on OrgUnit { provinces } } }",
                           {"id": await unit_id("east")}, as_user="hq.admin"))["node"]  # fmt: skip
    assert "Jiangsu" not in east["provinces"]
    jiangsu = await Factory.filter(province="Jiangsu").values_list("code", "responsible_unit__code")
    assert jiangsu and {code for _, code in jiangsu} == {"north"}
    assert await factory(api, "E002", as_user="east.planner") is None
    moved = await get(api, task["id"], as_user="hq.planner")
    assert moved["responsibleUnit"] == {"code": "north"} and moved["executingUnit"] == {"code": "north"}
    reroutes = await AuditEntry.filter(action="factory.reroute").values_list("after", "reason")
    assert len(reroutes) == len(jiangsu) and all(r == body["reason"] for _, r in reroutes)
    assert await AuditEntry.filter(action="task.reroute", reason=body["reason"]).exists()
    assert await AuditEntry.filter(action="unit.update").count() == 2  # east gave, north took


async def test_provinces_are_named_in_chinese_or_any_case_and_stored_canonically(api):
    unit = ok(await create_unit(api, {**NORTH, "provinces": ["辽宁省", "ＪＩＬＩＮ"]}), "unit")
    assert unit["provinces"] == ["Liaoning", "Jilin"]
    async with writes_nothing():
        for bad, code in ((["Liaoning", "atlantis"], "INVALID"), (["jiangsu", "江苏"], "INVALID"),
                          (["河北省"], "JURISDICTION"), (["Jilin"] * 65, "TOO_LONG")):  # fmt: skip
            change = {"unitId": unit["id"], "provinces": bad, "reason": "Wrong list"}
            assert errors(await update_unit(api, change)) == {"provinces": code}, bad
    east = {"unitId": await unit_id("east"), "reason": "Sichuan named in Chinese",
            "provinces": ["Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong", "四川"]}  # fmt: skip
    assert ok(await update_unit(api, east), "unit")["provinces"][-1] == "Sichuan"  # taken from west, by its name
    assert "Sichuan" not in (await OrgUnit.get(code="west")).provinces
    assert await Factory.filter(code="W001", responsible_unit__code="east").exists()


async def test_a_subcentre_emptied_by_a_take_over_is_renamed_and_given_provinces_again(api):
    west = (await OrgUnit.get(code="west")).provinces
    ok(await create_unit(api, {**NORTH, "code": "west2", "provinces": west}), "unit")
    assert (await OrgUnit.get(code="west")).provinces == []
    renamed = ok(await update_unit(api, {"unitId": await unit_id("west"), "name": "West (former)", "reason": "r"}),
                 "unit")  # fmt: skip
    assert (renamed["name"], renamed["provinces"]) == ("West (former)", [])
    emptied = {"unitId": await unit_id("west"), "provinces": [], "reason": "r"}
    assert errors(await update_unit(api, emptied)) == {"provinces": "REQUIRED"}  # never emptied by hand
    back = {"unitId": await unit_id("west"), "provinces": ["Tibet"], "reason": "西藏 Tibet to the west"}
    assert ok(await update_unit(api, back), "unit")["provinces"] == ["Tibet"]


async def test_a_province_whose_factories_would_be_left_to_no_unit_stays(api):
    body = {"unitId": await unit_id("east"), "provinces": ["Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
            "Shandong"], "reason": "Shanghai dropped"}  # fmt: skip
    async with writes_nothing():
        assert errors(await update_unit(api, body)) == {"provinces": "CONFLICT"}
    assert await Factory.filter(code="E001", responsible_unit__code="east").exists()
    ok(await create_unit(api, NORTH), "unit")
    north = {"unitId": await unit_id("north"), "provinces": ["Jilin"], "reason": "Liaoning has no factory yet"}
    assert ok(await update_unit(api, north), "unit")["provinces"] == ["Jilin"]


async def test_a_new_agency_takes_over_a_country_and_its_factories(api):
    body = {"code": "agency-eu", "kind": "FOREIGN_AGENCY", "name": "EU agency", "nameZh": "欧洲境外委托机构",
            "countries": ["de", "FR"], "reason": "New partner for Europe"}  # fmt: skip
    unit = ok(await create_unit(api, body), "unit")
    assert unit["countries"] == ["DE", "FR"]
    assert set(await Factory.filter(country="DE").values_list("agency_unit__code", flat=True)) == {"agency-eu"}
    assert await factory(api, "D001", as_user="agency.de.inspector") is None
    assert await AuditEntry.filter(action="factory.reroute").count() == 4


async def test_updating_nothing_is_no_change(api):
    body = {"unitId": await unit_id("east"), "name": "East China Sub-centre", "reason": "Same"}
    async with writes_nothing():
        assert errors(await update_unit(api, body)) == {"": "NO_CHANGE"}


async def test_the_migration_gives_a_database_seeded_earlier_the_administration_lines(db):
    migration = importlib.import_module("store.migrations.0023_registry_admin")
    frozen = {tuple(line) for line in migration.REGISTRY_ADMIN_LINES}
    assert frozen <= set(read_seed_policy())  # the seed has them too
    for _, role, domain, kind, action in frozen:
        await PolicyRule.filter(ptype="p", v0=role, v1=domain, v2=kind, v3=action).delete()
    await migration.add_registry_admin_policy(None, SimpleNamespace(client=get_connection("default")))
    found = {("p", *r.values()) for r in await PolicyRule.filter(ptype="p")}
    assert frozen <= found
