"""Importing factories into the demo world (both databases): upsert by code, routing, audit
records naming the import, reruns, dry runs, all-or-nothing, and writes in bulk."""

from __future__ import annotations

import hashlib
import logging
from datetime import date

import pytest

from domain.tasks import TaskKind
from services.tasks import planning
from store.models import AuditEntry, Certificate, Factory, OrgUnit
from tests.client import QueryCounter
from tests.services.import_support import audit_since, chain_intact, csv_bytes, head, problems, run_import
from tests.services.services_support import session_for

pytestmark = pytest.mark.usefixtures("db")
HEADER = ["code", "name", "address", "country", "province", "class", "enterprise_code", "enterprise_name"]
NEW = ["F7001", "Harbin Motor Works", "8 Songhua Rd", "CN", "Zhejiang", "B", "ent-f7001", "Harbin Motor Co."]
E001 = ["E001", "Shanghai Ruifeng Cable Co. (renamed)", "88 Jinqiao Rd, Pudong, Shanghai", "CN", "Shanghai", "A",
        "", ""]  # fmt: skip


async def test_new_and_changed_rows_are_written_and_audited_with_the_file_and_row():
    start, e001 = await head(), await Factory.get(code="E001")
    rows = [HEADER, NEW, E001]
    outcome = await run_import("factories", rows, name="factories.csv")
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.problems) == (1, 1, 0, [])

    new = await Factory.get(code="F7001").select_related("responsible_unit", "enterprise_unit")
    assert (new.responsible_unit.code, new.enterprise_unit.code, new.enterprise_unit.kind) == ("east", "ent-f7001",
                                                                                              "ENTERPRISE")  # fmt: skip
    assert (new.classification, new.status, new.version) == ("B", "ACTIVE", 1)
    changed = await Factory.get(code="E001")
    assert changed.name == E001[1] and changed.version == e001.version + 1

    digest = hashlib.sha256(csv_bytes(rows)).hexdigest()
    records = await audit_since(start)
    assert [(r.action, r.object_type, r.actor) for r in records] == [
        ("import.create", "OrgUnit", "import:cli"),
        ("import.create", "Factory", "import:cli"),
        ("import.update", "Factory", "import:cli"),
        ("import.run", "Import", "import:cli"),
    ]
    update = records[2]
    assert update.object_id == e001.id
    assert update.before == {"name": "Shanghai Ruifeng Cable Co."} and update.after == {"name": E001[1]}
    assert update.reason == f"import factories factories.csv (sha256 {digest}), row 3"
    assert records[1].after["responsible_unit"] == "east" and records[1].reason.endswith("row 2")
    assert records[3].after == {"kind": "factories", "file": "factories.csv", "sha256": digest, "rows": 2,
                                "created": 1, "updated": 1, "unchanged": 0, "rejected": 0}  # fmt: skip
    assert len({r.request_id for r in records}) == 1
    assert await chain_intact()


async def test_a_rerun_of_the_same_file_changes_nothing_and_writes_no_audit_record():
    rows = [HEADER, NEW, E001]
    await run_import("factories", rows)
    start, version = await head(), (await Factory.get(code="E001")).version
    again = await run_import("factories", rows)
    assert (again.created, again.updated, again.unchanged, again.applied) == (0, 0, 2, False)
    assert await head() == start
    assert (await Factory.get(code="E001")).version == version


async def test_a_dry_run_checks_everything_and_writes_nothing():
    start, factories, units = await head(), await Factory.all().count(), await OrgUnit.all().count()
    outcome = await run_import("factories", [HEADER, NEW, E001, ["F7002", "", "x", "CN", "Atlantis", "Q", "", ""]],
                               dry_run=True)  # fmt: skip
    assert (outcome.dry_run, outcome.applied, outcome.created, outcome.updated) == (True, False, 1, 1)
    assert problems(outcome) == [(4, "name", "REQUIRED"), (4, "province", "JURISDICTION"), (4, "class", "INVALID")]
    assert (await head(), await Factory.all().count(), await OrgUnit.all().count()) == (start, factories, units)


async def test_good_rows_are_imported_beside_bad_ones_unless_all_or_nothing():
    bad = ["F7002", "Bad", "x", "CN", "Jiangsu", "E", "", ""]
    start = await head()
    refused = await run_import("factories", [HEADER, NEW, bad], all_or_nothing=True)
    assert (refused.applied, refused.created, problems(refused)) == (False, 0, [(3, "class", "INVALID")])
    assert not await Factory.exists(code="F7001") and await head() == start
    partial = await run_import("factories", [HEADER, NEW, bad])
    assert (partial.applied, partial.created, partial.rejected) == (True, 1, 1)
    assert await Factory.exists(code="F7001") and not await Factory.exists(code="F7002")


async def test_routing_abroad_and_in_north_china_and_a_move_without_open_tasks():
    rows = [HEADER, ["F7003", "Bremen Kabel GmbH", "Hafen 1, Bremen", "DE", "", "C", "", ""],
            ["F7004", "天津电器厂", "天津市工业路 1 号", "中国", "天津市", "D类", "", ""],
            ["E002", "Suzhou Hengtai Switchgear", "1 Pearl Rd, Guangzhou", "CN", "广东省", "B", "", ""]]  # fmt: skip
    outcome = await run_import("factories", rows)
    assert problems(outcome) == []
    units = {f.code: (f.responsible_unit.code, f.agency_unit.code if f.agency_unit else None, f.province)
             for f in await Factory.filter(code__in=["F7003", "F7004", "E002"]).select_related(
                 "responsible_unit", "agency_unit")}  # fmt: skip
    assert units == {"F7003": ("hq", "agency-de", None), "F7004": ("hq", None, "Tianjin"),
                     "E002": ("south", None, "Guangdong")}  # fmt: skip
    move = await AuditEntry.filter(action="import.update", object_type="Factory").order_by("-seq").first()
    assert move.before["responsible_unit"] == "east" and move.after["responsible_unit"] == "south"


async def test_a_move_that_would_leave_open_tasks_behind_is_refused():
    factory = await Factory.get(code="E006")
    certificates = await Certificate.filter(factory_id=factory.id, status="VALID").values_list("id", flat=True)
    await planning.create_task(
        await session_for("east.planner"), factory_id=factory.id, kind=TaskKind.ROUTINE_NOTIFIED,
        certificate_ids=list(certificates), due_on=date(2026, 12, 20), planned_start=date(2026, 12, 14),
        planned_end=date(2026, 12, 15), trigger=None, trigger_details=None, with_sampling=False, requirements=None,
        unannounced=False,
    )  # fmt: skip
    moved = ["E006", "Nanchang Hongdu Wire", "1 Rd, Nanning", "CN", "Guangxi", "B", "", ""]
    outcome = await run_import("factories", [HEADER, moved])
    assert problems(outcome) == [(2, "province", "CONFLICT")]
    assert "open task" in outcome.problems[0].message
    assert (await Factory.get(code="E006")).province == "Jiangxi"
    renamed = ["E006", "Nanchang Hongdu Wire (new name)", "77 Yingbin Ave, Nanchang, Jiangxi", "CN", "Jiangxi", "B",
               "", ""]  # fmt: skip
    assert (await run_import("factories", [HEADER, renamed])).updated == 1  # staying put is fine


async def test_an_enterprise_code_naming_another_kind_of_unit_and_duplicate_codes_are_row_problems():
    rows = [HEADER, [*NEW[:6], "east", ""], [*NEW[:1], "Again", *NEW[2:6], "", ""]]
    outcome = await run_import("factories", rows)
    assert problems(outcome) == [(2, "enterprise_code", "CONFLICT"), (3, "code", "CONFLICT")]
    assert outcome.problems[1].message == "code 'F7001' is also on row 2: one row per code"


async def test_writes_are_batched_not_one_statement_per_row():
    async def statements(first: int, count: int) -> int:
        rows = [HEADER] + [[f"F{n}", f"Factory {n}", f"{n} Rd", "CN", "Jiangsu", "ABCD"[n % 4], "", ""]
                           for n in range(first, first + count)]  # fmt: skip
        counter, logger = QueryCounter(), logging.getLogger("tortoise.db_client")
        logger.addHandler(counter)
        level = logger.level
        logger.setLevel(logging.DEBUG)
        try:
            outcome = await run_import("factories", rows)
        finally:
            logger.removeHandler(counter)
            logger.setLevel(level)
        assert outcome.created == count
        return len(counter.statements)

    few, many = await statements(10_000, 20), await statements(20_000, 400)
    assert many == few, (few, many)  # 20 times the rows, not one statement more
    assert await chain_intact()


async def test_codes_compare_as_createfactory_compares_them():
    count = await Factory.all().count()
    twin = ["ｅ001", *E001[1:]]  # full-width and lower case: E001 all the same
    outcome = await run_import("factories", [HEADER, twin, ["Ｆ7001", *NEW[1:]], ["f7001", *NEW[1:]]])
    assert (outcome.created, outcome.updated) == (1, 1)
    assert problems(outcome) == [(4, "code", "CONFLICT")]
    assert await Factory.all().count() == count + 1 and await Factory.exists(code="F7001")
    assert (await Factory.get(code="E001")).name == E001[1]
    record = await AuditEntry.filter(action="import.update", object_type="Factory").order_by("-seq").first()
    assert record.object_id == (await Factory.get(code="E001")).id
