"""Correcting factory information (§4.9) and changing a factory's class, through GraphQL; a
factory that moves takes its open tasks along."""

import asyncio

import pytest

from store.models import AuditEntry
from tests.api.tasks_support import create, get, ok
from tests.client import error_codes, factory

CORRECT = """mutation($input: CorrectFactoryInformationInput!) { correctFactoryInformation(input: $input) {
  factory { id code name address province country status version classification responsibleUnit { code } }
  userErrors { field message code } } }"""
RECLASSIFY = """mutation($input: ChangeFactoryClassInput!) { changeFactoryClass(input: $input) {
  factory { classification version } userErrors { field message code } } }"""
TRAIL = """query($id: ID!) { auditTrail(objectId: $id, first: 20) { totalCount nodes {
  action actor unit before after reason requestId objectId } } }"""


async def test_correction_is_applied_versioned_and_audited(api):
    f = await factory(api, "E001", as_user="east.planner")
    payload = (
        await api.data(
            CORRECT,
            {
                "input": {
                    "factoryId": f["id"],
                    "expectedVersion": 1,
                    "reason": "Address changed by the city",
                    "address": "1 New Rd",
                }
            },
            as_user="east.planner",
        )
    )["correctFactoryInformation"]
    assert payload["userErrors"] == []
    assert payload["factory"]["address"] == "1 New Rd"
    assert payload["factory"]["version"] == 2
    trail = (await api.data(TRAIL, {"id": f["id"]}, as_user="east.reviewer"))["auditTrail"]
    assert trail["totalCount"] == 1
    entry = trail["nodes"][0]
    assert entry["action"] == "factory.correct"
    assert (entry["actor"], entry["unit"], entry["reason"]) == ("east.planner", "east", "Address changed by the city")
    assert entry["before"] == {"address": "88 Jinqiao Rd, Pudong, Shanghai"}
    assert entry["after"] == {"address": "1 New Rd"}
    assert entry["objectId"] == f["id"] and entry["requestId"]


async def test_move_to_another_jurisdiction_reroutes_responsibility(api):
    f = await factory(api, "E002", as_user="east.planner")
    payload = (
        await api.data(
            CORRECT,
            {
                "input": {
                    "factoryId": f["id"],
                    "expectedVersion": 1,
                    "reason": "Relocated 搬迁",
                    "province": "Guangdong",
                    "address": "3 Pearl Rd, Foshan",
                }
            },
            as_user="east.planner",
        )
    )["correctFactoryInformation"]
    assert payload["factory"]["responsibleUnit"] == {"code": "south"}
    assert await factory(api, "E002", as_user="east.planner") is None  # out of east's jurisdiction now
    assert (await factory(api, "E002", as_user="south.planner"))["responsibleUnit"] == {"code": "south"}


async def test_a_corrected_province_is_stored_by_its_canonical_name(api):
    f = await factory(api, "E002", as_user="east.planner")
    body = {"factoryId": f["id"], "expectedVersion": 1, "reason": "Province spelt in Chinese", "province": "广东省"}
    payload = (await api.data(CORRECT, {"input": body}, as_user="east.planner"))["correctFactoryInformation"]
    assert payload["userErrors"] == []
    assert (payload["factory"]["province"], payload["factory"]["responsibleUnit"]) == ("Guangdong", {"code": "south"})


async def test_move_overseas_drops_province_and_routes_to_hq_and_agency(api):
    f = await factory(api, "E003", as_user="east.planner")
    payload = (
        await api.data(
            CORRECT,
            {"input": {"factoryId": f["id"], "expectedVersion": 1, "reason": "Moved to Germany", "country": "DE"}},
            as_user="east.planner",
        )
    )["correctFactoryInformation"]
    assert payload["factory"]["province"] is None
    assert payload["factory"]["responsibleUnit"] == {"code": "hq"}
    seen_by_agency = await factory(api, "E003", as_user="agency.de.inspector")
    assert seen_by_agency is not None and seen_by_agency["classification"] is None


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"name": "   "}, ["input", "name"], "REQUIRED"),
        ({"name": "x" * 201}, ["input", "name"], "TOO_LONG"),
        ({"address": "a" * 5000}, ["input", "address"], "TOO_LONG"),
        ({"province": "Atlantis"}, ["input", "province"], "JURISDICTION"),
        ({"country": "Germany"}, ["input", "country"], "INVALID"),
        ({"name": "bad\x00name"}, ["input", "name"], "INVALID"),
        ({"address": "88 Jinqiao Rd, Pudong, Shanghai"}, None, "NO_CHANGE"),
        ({"reason": ""}, ["input", "reason"], "REQUIRED"),
        ({"expectedVersion": 7, "name": "New"}, ["input", "expectedVersion"], "STALE_VERSION"),
    ],
)
async def test_bad_corrections_are_user_errors_and_write_nothing(api, changes, field, code):
    f = await factory(api, "E001", as_user="east.planner")
    audit_before = await AuditEntry.all().count()
    body = {"factoryId": f["id"], "expectedVersion": 1, "reason": "fix", **changes}
    payload = (await api.data(CORRECT, {"input": body}, as_user="east.planner"))["correctFactoryInformation"]
    assert payload["factory"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert "Length of" not in str(payload)
    assert await AuditEntry.all().count() == audit_before
    assert (await factory(api, "E001", as_user="east.planner"))["version"] == 1


async def test_several_bad_fields_are_reported_together(api):
    f = await factory(api, "E001", as_user="east.planner")
    body = {"factoryId": f["id"], "expectedVersion": 1, "reason": "fix", "name": "", "country": "123"}
    payload = (await api.data(CORRECT, {"input": body}, as_user="east.planner"))["correctFactoryInformation"]
    assert {tuple(e["field"]) for e in payload["userErrors"]} == {("input", "name"), ("input", "country")}


async def test_class_change_by_responsible_unit_and_by_hq(api):
    f = await factory(api, "E001", as_user="east.planner")
    first = (
        await api.data(
            RECLASSIFY,
            {
                "input": {
                    "factoryId": f["id"],
                    "expectedVersion": 1,
                    "classification": "C",
                    "reason": "Failed spot check",
                }
            },
            as_user="east.planner",
        )
    )["changeFactoryClass"]
    assert first == {"factory": {"classification": "C", "version": 2}, "userErrors": []}
    second = (
        await api.data(
            RECLASSIFY,
            {"input": {"factoryId": f["id"], "expectedVersion": 2, "classification": "B", "reason": "HQ review"}},
            as_user="hq.planner",
        )
    )["changeFactoryClass"]
    assert second["factory"] == {"classification": "B", "version": 3}
    same = (
        await api.data(
            RECLASSIFY,
            {"input": {"factoryId": f["id"], "expectedVersion": 3, "classification": "B", "reason": "again"}},
            as_user="hq.planner",
        )
    )["changeFactoryClass"]
    assert [e["code"] for e in same["userErrors"]] == ["NO_CHANGE"]
    trail = (await api.data(TRAIL, {"id": f["id"]}, as_user="hq.auditor"))["auditTrail"]
    assert [(n["actor"], n["after"]) for n in trail["nodes"]] == [
        ("east.planner", {"classification": "C"}),
        ("hq.planner", {"classification": "B"}),
    ]


async def test_reader_without_the_right_gets_forbidden(api):
    f = await factory(api, "E001", as_user="east.inspector1")
    body = await api.run(
        RECLASSIFY,
        {"input": {"factoryId": f["id"], "expectedVersion": 1, "classification": "D", "reason": "x"}},
        as_user="east.inspector1",
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert (await factory(api, "E001"))["classification"] == "A"


async def test_concurrent_corrections_apply_exactly_once(api):
    f = await factory(api, "E004", as_user="east.planner")

    async def attempt(i):
        body = {"factoryId": f["id"], "expectedVersion": 1, "reason": f"attempt {i}", "name": f"Name {i}"}
        return (await api.data(CORRECT, {"input": body}, as_user="east.planner"))["correctFactoryInformation"]

    results = await asyncio.gather(*(attempt(i) for i in range(8)))
    winners = [r for r in results if not r["userErrors"]]
    assert len(winners) == 1
    assert all(r["userErrors"][0]["code"] == "STALE_VERSION" for r in results if r["userErrors"])
    assert (await factory(api, "E004"))["version"] == 2
    assert await AuditEntry.filter(action="factory.correct").count() == 1


async def test_moving_a_factory_takes_its_open_tasks_along(api):
    task = ok(await create(api, "E006", as_user="east.planner"))
    plan = (
        "mutation($u: String!) { generatePlan(input: {unitCode: $u, year: 2026}) { createdCount userErrors { code } } }"
    )
    assert (await api.data(plan, {"u": "east"}, as_user="east.planner"))["generatePlan"]["createdCount"] > 0
    f = await factory(api, "E006")
    moved = await api.data(
        "mutation($i: CorrectFactoryInformationInput!) { correctFactoryInformation(input: $i) { userErrors { code } } }",
        {"i": {"factoryId": f["id"], "expectedVersion": f["version"], "reason": "moved", "province": "Guangdong"}},
        as_user="east.planner",
    )
    assert moved["correctFactoryInformation"]["userErrors"] == []
    assert await get(api, task["id"], as_user="east.planner") is None
    assert (await get(api, task["id"], as_user="south.planner"))["responsibleUnit"] == {"code": "south"}
    again = (await api.data(plan, {"u": "south"}, as_user="south.planner"))["generatePlan"]
    assert again["userErrors"] == []
