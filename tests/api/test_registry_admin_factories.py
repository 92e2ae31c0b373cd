"""Registry administration: product categories and factories entering and leaving the registry
(issue 12). HQ's planners create, close and reopen; a created factory is routed like a
corrected one and becomes visible to its sub-centre."""

from __future__ import annotations

import pytest

from schema.relay import to_global_id
from store.models import AuditEntry, Factory, ProductCategory
from tests.api.registry_admin_support import FACTORY, OUTSIDERS, errors, ok, refusal, send, trail, writes_nothing
from tests.api.tasks_support import create
from tests.api.tasks_support import ok as task_ok
from tests.client import factory

CATEGORY = "category { id code name nameZh implementationRule }"
NEW_CATEGORY = {"code": "C11", "name": "Motor vehicle parts", "nameZh": "机动车辆零部件",
                "implementationRule": "CNCA-C11-01:2020", "reason": "New product category"}  # fmt: skip
SUZHOU = {"code": "E900", "name": "Suzhou New Cable", "address": "2 Canal Rd, Suzhou", "country": "cn",
          "province": "Jiangsu", "classification": "C", "reason": "First application"}  # fmt: skip
PAYLOAD = f"factory {{ {FACTORY} }}"


async def create_factory(api, body: dict, as_user: str = "hq.planner") -> dict:
    return await send(api, "createFactory", "CreateFactoryInput", PAYLOAD, body, as_user=as_user)


async def lifecycle(api, name: str, f: dict, reason: str = "Factory shut down", as_user="hq.planner") -> dict:
    body = {"factoryId": f["id"], "expectedVersion": f["version"], "reason": reason}
    return await send(api, name, "FactoryActionInput", PAYLOAD, body, as_user=as_user)


async def test_categories_are_created_and_changed_by_hq_planners(api):
    made = ok(await send(api, "createProductCategory", "CreateProductCategoryInput", CATEGORY, NEW_CATEGORY,
                         as_user="hq.planner"), "category")  # fmt: skip
    assert (made["code"], made["implementationRule"]) == ("C11", "CNCA-C11-01:2020")
    change = {"categoryId": made["id"], "implementationRule": "CNCA-C11-01:2024", "reason": "Rule revised"}
    changed = ok(await send(api, "updateProductCategory", "UpdateProductCategoryInput", CATEGORY, change,
                            as_user="hq.planner"), "category")  # fmt: skip
    assert changed["implementationRule"] == "CNCA-C11-01:2024" and changed["name"] == "Motor vehicle parts"
    created, updated = await trail(api, made["id"])
    assert created["action"] == "category.create" and created["after"]["code"] == "C11"
    assert (updated["action"], updated["before"], updated["after"], updated["reason"]) == (
        "category.update", {"implementationRule": "CNCA-C11-01:2020"},
        {"implementationRule": "CNCA-C11-01:2024"}, "Rule revised",
    )  # fmt: skip


async def test_bad_or_refused_categories_write_nothing(api):
    c01 = await ProductCategory.get(code="C01")
    async with writes_nothing():
        bad = {**NEW_CATEGORY, "code": "C 1", "implementationRule": "", "nameZh": "x" * 201}
        assert errors(await send(api, "createProductCategory", "CreateProductCategoryInput", CATEGORY, bad,
                                 as_user="hq.planner")) == {"code": "INVALID", "implementationRule": "REQUIRED",
                                                            "nameZh": "TOO_LONG"}  # fmt: skip
        taken = {"categoryId": to_global_id("ProductCategory", c01.id), "code": "C02", "reason": "Renumbered"}
        assert errors(await send(api, "updateProductCategory", "UpdateProductCategoryInput", CATEGORY, taken,
                                 as_user="hq.planner")) == {"code": "CONFLICT"}  # fmt: skip
        for login in (*OUTSIDERS, "hq.admin"):
            refused = await send(api, "createProductCategory", "CreateProductCategoryInput", CATEGORY, NEW_CATEGORY,
                                 as_user=login)  # fmt: skip
            assert refusal(refused) == "FORBIDDEN", login
            change = {"categoryId": to_global_id("ProductCategory", c01.id), "name": "x", "reason": "no"}
            refused = await send(api, "updateProductCategory", "UpdateProductCategoryInput", CATEGORY, change,
                                 as_user=login)  # fmt: skip
            assert refusal(refused) == "FORBIDDEN", login


async def test_a_created_factory_is_routed_and_visible_to_its_subcentre(api):
    made = ok(await create_factory(api, {**SUZHOU, "enterpriseUnitCode": "ent-e002"}), "factory")
    assert (made["country"], made["status"], made["version"]) == ("CN", "ACTIVE", 1)
    assert made["responsibleUnit"] == {"code": "east"}
    assert (await factory(api, "E900", as_user="east.planner"))["id"] == made["id"]
    assert await factory(api, "E900", as_user="south.planner") is None
    assert (await factory(api, "E900", as_user="ent.E002"))["id"] == made["id"]  # its enterprise
    [entry] = await trail(api, made["id"], as_user="east.planner")
    assert (entry["action"], entry["actor"], entry["reason"]) == ("factory.create", "hq.planner", SUZHOU["reason"])
    assert entry["after"]["responsibleUnit"] == "east" and entry["after"]["classification"] == "C"
    # The agency never sees a class, not even in the history.
    german = {**SUZHOU, "code": "D900", "country": "DE", "province": None, "address": "Ring 1, Berlin"}
    made = ok(await create_factory(api, german), "factory")
    assert made["responsibleUnit"] == {"code": "hq"}
    assert (await factory(api, "D900", as_user="agency.de.inspector"))["classification"] is None
    [entry] = await trail(api, made["id"], as_user="agency.de.inspector")
    assert "classification" not in entry["after"] and entry["after"]["agency"] == "agency-de"


async def test_a_factorys_code_and_province_are_stored_normalised(api):
    made = ok(await create_factory(api, {**SUZHOU, "code": "Ｅ９００", "province": "江苏省"}), "factory")
    assert (made["code"], made["province"], made["responsibleUnit"]) == ("E900", "Jiangsu", {"code": "east"})
    made = ok(await create_factory(api, {**SUZHOU, "code": "E901", "province": "beijing"}), "factory")
    assert (made["province"], made["responsibleUnit"]) == ("Beijing", {"code": "hq"})  # North China, HQ's


async def test_bad_factories_are_refused_field_by_field(api):
    async with writes_nothing():
        before = await Factory.all().count()
        bad = {**SUZHOU, "code": "E 9", "name": "", "country": "China", "province": "x" * 41, "reason": " "}
        assert errors(await create_factory(api, bad)) == {"reason": "REQUIRED"}
        bad["reason"] = "ok"
        assert errors(await create_factory(api, bad)) == {
            "code": "INVALID", "name": "REQUIRED", "country": "INVALID", "province": "TOO_LONG"
        }  # fmt: skip
        assert errors(await create_factory(api, {**SUZHOU, "province": "Atlantis"})) == {"province": "JURISDICTION"}
        assert errors(await create_factory(api, {**SUZHOU, "province": None})) == {"province": "REQUIRED"}
        for twin in ("E001", "e001", " Ｅ００１ "):  # one code, however cased or wide
            assert errors(await create_factory(api, {**SUZHOU, "code": twin})) == {"code": "CONFLICT"}, twin
        assert errors(await create_factory(api, {**SUZHOU, "enterpriseUnitCode": "east"})) == {
            "enterpriseUnitCode": "INVALID"
        }
        assert errors(await create_factory(api, {**SUZHOU, "enterpriseUnitCode": "nope"})) == {
            "enterpriseUnitCode": "NOT_FOUND"
        }
        assert await Factory.all().count() == before


@pytest.mark.parametrize("login", [*OUTSIDERS, "hq.admin", "hq.inspector"])
async def test_only_hq_planners_create_close_and_reopen(api, login):
    await api.token(login)
    e001 = await factory(api, "E001")
    # Who may read E001 is told FORBIDDEN; who may not is told it does not exist.
    expected = "FORBIDDEN" if await factory(api, "E001", as_user=login) else "NOT_FOUND"
    async with writes_nothing():
        assert refusal(await create_factory(api, SUZHOU, as_user=login)) == "FORBIDDEN"
        for name in ("closeFactory", "reopenFactory"):
            assert refusal(await lifecycle(api, name, e001, as_user=login)) == expected, (login, name)
    assert await Factory.filter(code="E900").count() == 0


async def test_a_factory_closes_once_nothing_is_under_way_and_reopens(api):
    made = ok(await create_factory(api, SUZHOU), "factory")
    closed = ok(await lifecycle(api, "closeFactory", made), "factory")
    assert (closed["status"], closed["version"]) == ("CLOSED", 2)
    async with writes_nothing():
        assert errors(await lifecycle(api, "closeFactory", closed)) == {"factoryId": "TRANSITION_NOT_ALLOWED"}
        assert errors(await lifecycle(api, "reopenFactory", made)) == {"expectedVersion": "STALE_VERSION"}
    reopened = ok(await lifecycle(api, "reopenFactory", closed, reason="Production resumed"), "factory")
    assert (reopened["status"], reopened["version"]) == ("ACTIVE", 3)
    actions = [(e["action"], e["before"], e["after"]) for e in await trail(api, made["id"])]
    assert actions[1:] == [
        ("factory.close", {"status": "ACTIVE"}, {"status": "CLOSED"}),
        ("factory.reopen", {"status": "CLOSED"}, {"status": "ACTIVE"}),
    ]
    async with writes_nothing():
        assert errors(await lifecycle(api, "reopenFactory", reopened)) == {"factoryId": "TRANSITION_NOT_ALLOWED"}


async def test_a_factory_with_open_tasks_or_live_certificates_stays_open(api):
    task_ok(await create(api, "E003", as_user="east.planner"))
    e003 = await factory(api, "E003")
    before = await AuditEntry.all().count()
    refused = await lifecycle(api, "closeFactory", e003)
    assert errors(refused) == {"factoryId": "CONFLICT"}
    assert "open task" in refused["userErrors"][0]["message"] and "certificate" in refused["userErrors"][0]["message"]
    assert await AuditEntry.all().count() == before
    assert await Factory.filter(code="E003", status="ACTIVE").exists()
