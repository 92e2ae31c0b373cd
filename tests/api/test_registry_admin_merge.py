"""Registry administration: merging a duplicate factory into the one that stays (issue 12). Its
certificates and tasks move to the survivor and are seen there; the duplicate is kept as MERGED
history, audited on both."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.clock import today
from store.models import AuditEntry, Certificate, Factory, SurveillanceTask
from tests.api.registry_admin_support import FACTORY, OUTSIDERS, errors, ok, refusal, send, trail, writes_nothing
from tests.api.tasks_support import LIST, create, get
from tests.api.tasks_support import ok as task_ok
from tests.client import factory

MERGE = f"duplicate {{ {FACTORY} }} survivor {{ {FACTORY} }} movedCertificates movedTasks"
DUPLICATE = {"code": "E901", "name": "Shanghai Ruifeng Cable Company", "address": "88 Jinqiao Road, Shanghai",
             "country": "CN", "province": "Shanghai", "classification": "B", "enterpriseUnitCode": "ent-e001",
             "reason": "Registered twice by mistake"}  # fmt: skip


async def duplicate_with_work(api) -> tuple[dict, dict]:
    """A second record of E001's factory, with a certificate of its own and a task."""
    made = ok(await send(api, "createFactory", "CreateFactoryInput", f"factory {{ {FACTORY} }}", DUPLICATE,
                         as_user="hq.planner"), "factory")  # fmt: skip
    issued = {"factoryId": made["id"], "number": "2026011999000001", "holder": "Shanghai Ruifeng Cable Co.",
              "categoryCode": "C01", "issuedOn": today().isoformat(),
              "expiresOn": (today() + timedelta(days=1000)).isoformat(), "reason": "Issued to the duplicate"}  # fmt: skip
    ok(await send(api, "issueCertificate", "IssueCertificateInput", "certificate { id }", issued,
                  as_user="hq.planner"), "certificate")  # fmt: skip
    task = task_ok(await create(api, "E901", as_user="east.planner"))
    return made, task


async def merge(api, duplicate: dict, survivor: dict, as_user: str = "hq.planner", **extra) -> dict:
    body = {"duplicateId": duplicate["id"], "survivorId": survivor["id"], "expectedVersion": duplicate["version"],
            "reason": "同一工厂重复登记 One factory registered twice", **extra}  # fmt: skip
    return await send(api, "mergeFactories", "MergeFactoriesInput", MERGE, body, as_user=as_user)


async def test_a_duplicates_certificates_and_tasks_move_to_the_survivor(api):
    duplicate, task = await duplicate_with_work(api)
    e001 = await factory(api, "E001")
    done = await merge(api, duplicate, e001)
    assert done["userErrors"] == []
    assert (done["movedCertificates"], done["movedTasks"]) == (1, 1)
    assert done["duplicate"]["status"] == "MERGED" and done["duplicate"]["mergedInto"] == {"code": "E001"}
    assert done["survivor"]["code"] == "E001" and done["survivor"]["mergedInto"] is None
    assert (await get(api, task["id"], as_user="east.planner"))["factory"]["code"] == "E001"
    listed = await api.data(LIST, {"f": {"factoryId": e001["id"]}}, as_user="east.planner")
    assert task["id"] in {n["id"] for n in listed["tasks"]["nodes"]}
    assert await Certificate.filter(number="2026011999000001", factory__code="E001").exists()
    assert await Factory.filter(code="E901", status="MERGED", merged_into__code="E001").exists()  # kept
    on_duplicate, on_survivor = await trail(api, duplicate["id"]), await trail(api, e001["id"])
    assert on_duplicate[-1]["action"] == "factory.merge" and on_duplicate[-1]["after"]["mergedInto"] == "E001"
    assert on_duplicate[-1]["before"] == {"status": "ACTIVE"}
    assert on_survivor[-1]["action"] == "factory.merge" and on_survivor[-1]["after"]["mergedFrom"] == "E901"
    assert on_survivor[-1]["reason"] == "同一工厂重复登记 One factory registered twice"
    assert await AuditEntry.filter(action="task.factory_merged").count() == 1
    # A merged factory is history: not merged again, not corrected, not reopened.
    merged = done["duplicate"]
    async with writes_nothing():
        assert errors(await merge(api, merged, await factory(api, "E009"))) == {"duplicateId": "TRANSITION_NOT_ALLOWED"}
        body = {"factoryId": merged["id"], "expectedVersion": merged["version"], "reason": "r", "name": "x"}
        fixed = await send(api, "correctFactoryInformation", "CorrectFactoryInformationInput", "factory { id }", body,
                           as_user="hq.planner")  # fmt: skip
        assert errors(fixed) == {"status": "TRANSITION_NOT_ALLOWED"}


async def test_planned_tasks_keep_a_free_place_in_the_survivors_plan(api):
    plan = "mutation($i: GeneratePlanInput!) { generatePlan(input: $i) { createdCount userErrors { code } } }"
    await duplicate_with_work(api)
    year = today().year + 1
    assert (await api.data(plan, {"i": {"unitCode": "east", "year": year}}, as_user="east.planner"))["generatePlan"][
        "createdCount"
    ]
    planned = {
        code: set(await SurveillanceTask.filter(factory__code=code, year=year).values_list("plan_sequence", flat=True))
        for code in ("E001", "E901")
    }
    assert planned["E001"] and planned["E901"]
    assert ok(await merge(api, await factory(api, "E901"), await factory(api, "E001")), "duplicate")
    after = await SurveillanceTask.filter(factory__code="E001", year=year).values_list("plan_sequence", flat=True)
    assert len(after) == len(set(after)) == len(planned["E001"]) + len(planned["E901"])


async def test_merges_that_would_mix_things_up_are_refused(api):
    duplicate, _ = await duplicate_with_work(api)
    e001, e009, n001 = [await factory(api, code) for code in ("E001", "E009", "N001")]
    async with writes_nothing():
        assert errors(await merge(api, duplicate, duplicate)) == {"survivorId": "INVALID"}
        assert errors(await merge(api, duplicate, n001)) == {"survivorId": "JURISDICTION"}  # Beijing: HQ's
        assert errors(await merge(api, duplicate, e009)) == {"survivorId": "CONFLICT"}  # another enterprise
        assert errors(await merge(api, duplicate, e001, expectedVersion=7)) == {"expectedVersion": "STALE_VERSION"}
        assert errors(await merge(api, duplicate, {"id": "RmFjdG9yeTo5OTk5"})) == {"survivorId": "NOT_FOUND"}
    assert await Factory.filter(code="E901", status="ACTIVE").exists()


@pytest.mark.parametrize("login", OUTSIDERS)
async def test_only_hq_planners_merge(api, login):
    e001, e009 = await factory(api, "E001"), await factory(api, "E009")
    expected = "FORBIDDEN" if await factory(api, "E009", as_user=login) else "NOT_FOUND"
    async with writes_nothing():
        assert refusal(await merge(api, e009, e001, as_user=login)) == expected
    assert await Factory.filter(status="MERGED").count() == 0


async def test_a_missing_duplicate_is_named_by_its_own_field(api):
    e001 = await factory(api, "E001")
    missing = {"id": "RmFjdG9yeTo5OTk5", "version": 1}
    async with writes_nothing():
        assert errors(await merge(api, missing, e001)) == {"duplicateId": "NOT_FOUND"}


async def test_merged_into_and_implementation_rules_cost_the_same_queries_for_few_or_many(api):
    """Merged duplicates listed without their survivors: each survivor is looked up for the page."""
    for n, (survivor, province) in enumerate((("E001", "Shanghai"), ("E002", "Jiangsu"), ("E003", "Zhejiang"))):
        body = {**DUPLICATE, "code": f"X90{n}", "province": province, "enterpriseUnitCode": None}
        made = ok(await send(api, "createFactory", "CreateFactoryInput", f"factory {{ {FACTORY} }}", body,
                             as_user="hq.planner"), "factory")  # fmt: skip
        ok(await merge(api, made, await factory(api, survivor)), "duplicate")
    query = """query($n: Int) { factories(first: $n, filter: {status: MERGED}) { nodes { code mergedInto { code }
      certificates(first: 5) { nodes { implementationRule } } } } }"""
    await api.token("hq.planner")
    with api.count_queries() as few:
        await api.data(query, {"n": 1}, as_user="hq.planner")
    with api.count_queries() as many:
        found = await api.data(query, {"n": 3}, as_user="hq.planner")
    assert len(many.statements) == len(few.statements)
    assert [(n["code"], n["mergedInto"]["code"]) for n in found["factories"]["nodes"]] == [
        ("X900", "E001"), ("X901", "E002"), ("X902", "E003")
    ]  # fmt: skip
    listed = await api.data("{ certificates(first: 30) { nodes { implementationRule } } }", as_user="hq.planner")
    assert all(c["implementationRule"].startswith("CNCA-") for c in listed["certificates"]["nodes"])
