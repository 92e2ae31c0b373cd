"""Importing org units into the demo world (both databases): a new sub-centre overseen by HQ (its
g2 line, audited, reaching the enforcer), jurisdiction kept a partition, kinds never changing."""

from __future__ import annotations

import pytest

from policies.authorizer import Authorizer
from services.policy_sync import PolicySync
from store.models import OrgUnit, PolicyRule, User
from tests.services.import_support import audit_since, head, problems, run_import

pytestmark = pytest.mark.usefixtures("db")
HEADER = ["code", "kind", "name", "name_zh", "provinces", "countries", "regions"]
NORTHEAST = ["northeast", "SUBCENTER", "Northeast China Sub-centre", "东北分中心", "Liaoning;Jilin", "", ""]
WEST = [
    "west",
    "分中心",
    "West China Sub-centre",
    "西部分中心",
    "Sichuan;Chongqing;Yunnan;Guizhou;Shaanxi;Xinjiang",
    "",
    "",
]  # fmt: skip (Gansu handed over)


async def test_a_new_sub_centre_is_overseen_by_hq_and_hq_staff_reach_it():
    sync = PolicySync(Authorizer())
    await sync.refresh(force=True)
    start = await head()
    outcome = await run_import("units", [HEADER, NORTHEAST], as_login="hq.admin", sync=sync)
    assert (outcome.created, outcome.problems) == (1, [])
    unit = await OrgUnit.get(code="northeast")
    assert (unit.kind, unit.provinces, unit.name_zh) == ("SUBCENTER", ["Liaoning", "Jilin"], "东北分中心")
    assert await PolicyRule.exists(ptype="g2", v0="unit:northeast", v1="unit:hq")
    records = await audit_since(start)
    assert [(r.action, r.object_type) for r in records] == [("import.create", "OrgUnit"),
                                                            ("policy.add", "PolicyRule"), ("import.run", "Import")]  # fmt: skip
    assert records[1].after == {"line": ["g2", "unit:northeast", "unit:hq"]}
    planner = await User.get(login="hq.planner")
    assert sync.authorizer.decide(planner.id, "read", "factory", ["unit:northeast"]).allowed


async def test_a_province_handed_over_in_the_same_file_in_either_order():
    gansu = [*NORTHEAST[:4], "Liaoning;Gansu", "", ""]
    outcome = await run_import("units", [HEADER, gansu, WEST])
    assert (outcome.created, outcome.updated, outcome.problems) == (1, 1, [])
    assert "Gansu" not in (await OrgUnit.get(code="west")).provinces


async def test_jurisdiction_stays_a_partition():
    rows = [HEADER,
            [*NORTHEAST[:4], "Liaoning;Jiangsu", "", ""],  # Jiangsu is east's, which keeps it
            ["hebei", "SUBCENTER", "Hebei", "河北", "Hebei", "", ""],  # North China is HQ's
            ["agency-de2", "FOREIGN_AGENCY", "Second German agency", "德国第二机构", "", "DE", ""],
            ["lab-9", "LAB", "Lab 9", "实验室九", "", "", "nowhere"],
            ["east", "SUBCENTER", "East China Sub-centre", "华东分中心", "Shanghai", "", ""],  # drops routed provinces
            ["south", "LAB", "South", "华南", "", "", "east"]]  # fmt: skip
    outcome = await run_import("units", rows)
    assert problems(outcome) == [
        (2, "provinces", "JURISDICTION"),
        (3, "provinces", "JURISDICTION"),
        (4, "countries", "JURISDICTION"),
        (5, "regions", "JURISDICTION"),
        (6, "provinces", "CONFLICT"),
        (7, "kind", "CONFLICT"),
    ]
    assert "factories in" in outcome.problems[4].message and "move them first" in outcome.problems[4].message
    assert not outcome.applied and not await OrgUnit.exists(code="northeast")
    assert "Jiangsu" in (await OrgUnit.get(code="east")).provinces


async def test_renaming_a_unit_is_an_update_and_the_same_lists_in_another_order_are_no_change():
    east = await OrgUnit.get(code="east")
    reordered = ["east", "SUBCENTER", "East China Sub-centre", "华东分中心（新）", ";".join(reversed(east.provinces)),
                 "", ""]  # fmt: skip
    outcome = await run_import("units", [HEADER, reordered])
    assert (outcome.updated, outcome.problems) == (1, [])
    (update, _) = await audit_since(await head() - 2)
    assert update.after == {"name_zh": "华东分中心（新）"}
    assert (await OrgUnit.get(code="east")).provinces == east.provinces
