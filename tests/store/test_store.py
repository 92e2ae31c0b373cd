"""The store on both backends: migrations, indexes, idempotent seeding, the append-only
hash-chained audit trail."""

import pytest
from tortoise.connection import get_connection

from domain.audit_chain import verify_chain
from server.seed import seed_demo
from server.settings import Settings
from services import audit_log
from services.context import SYSTEM_ACTOR
from store.audit import iter_chain
from store.db import dialect
from store.models import AuditEntry, Certificate, Factory, OrgUnit, RoleAssignment, User
from tests.store.audit_support import in_command

pytestmark = pytest.mark.usefixtures("db")


async def _counts():
    return [await m.all().count() for m in (OrgUnit, User, RoleAssignment, Factory, Certificate, AuditEntry)]


async def test_demo_world_has_what_the_issue_asks(world_url):
    assert await Factory.all().count() >= 30
    assert await Certificate.all().count() >= 60
    classes = set(await Factory.all().values_list("classification", flat=True))
    assert classes == {"A", "B", "C", "D"}
    units = set(await Factory.all().values_list("responsible_unit__code", flat=True))
    assert units == {"hq", "east", "south", "west"}
    for login in (
        "hq.admin",
        "hq.planner",
        "east.inspector2",
        "agency.de.inspector",
        "buyer.east",
        "lab.south1",
        "ent.E001",
    ):
        assert await User.exists(login=login), login


async def test_seeding_twice_changes_nothing(world_url):
    before = await _counts()
    created = await seed_demo(Settings().north_china)
    assert set(created.values()) == {0}
    assert await _counts() == before


async def test_every_foreign_key_and_filter_column_is_indexed(world_url):
    conn = get_connection("default")
    wanted = {
        "factory": {
            "responsible_unit_id",
            "agency_unit_id",
            "enterprise_unit_id",
            "classification",
            "status",
            "country",
            "province",
        },
        "certificate": {"factory_id", "product_category_id", "status", "expires_on"},
        "role_assignment": {"user_id", "unit_id"},
        "app_user": {"unit_id"},
        "certificate_status_change": {"certificate_id"},
        "audit_entry": {"object_type", "action", "actor_id"},
    }
    for table, columns in wanted.items():
        if dialect() == "sqlite":
            indexes = await conn.execute_query_dict(f"SELECT name FROM pragma_index_list('{table}')")
            indexed = set()
            for idx in indexes:
                rows = await conn.execute_query_dict(f"SELECT name FROM pragma_index_info('{idx['name']}')")
                indexed.add(rows[0]["name"])  # leading column
        else:
            rows = await conn.execute_query_dict(
                "SELECT a.attname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] WHERE c.relname = $1",
                [table],
            )
            indexed = {r["name"] for r in rows}
        assert columns <= indexed, (table, columns - indexed)


async def test_audit_trail_is_append_only(world_url):
    entry = await AuditEntry.all().first()
    with pytest.raises(Exception) as raised:
        await AuditEntry.filter(id=entry.id).update(reason="rewritten")
    assert "append-only" in str(raised.value)
    with pytest.raises(Exception) as raised:
        await AuditEntry.filter(id=entry.id).delete()
    assert "append-only" in str(raised.value)
    assert (await AuditEntry.get(id=entry.id)).reason == entry.reason


async def test_chain_verifies_and_detects_tampering(world_url):
    seeded = await AuditEntry.all().count()  # the seed and the demo certificates' expiry
    async with in_command(SYSTEM_ACTOR):
        for i in range(5):
            await audit_log.record("test.event", "Factory", 1, after={"i": i}, reason=f"event {i}")
    records = [r async for r in iter_chain(batch=2)]
    assert verify_chain(records) == (seeded + 5, None)

    conn = get_connection("default")
    if dialect() == "sqlite":
        await conn.execute_script("DROP TRIGGER audit_entry_no_update")
    else:
        await conn.execute_script("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change")
    await AuditEntry.filter(seq=4).update(reason="nothing happened here")
    count, broken = verify_chain([r async for r in iter_chain()])
    assert count == 4  # records read up to and including the broken one
    assert broken is not None and broken.seq == 4


async def test_failed_command_leaves_no_audit_record(world_url):
    before = await AuditEntry.all().count()
    with pytest.raises(RuntimeError):
        async with in_command(SYSTEM_ACTOR):
            await audit_log.record("test.event", "Factory", 1, reason="will roll back")
            await Factory.filter(code="E001").update(name="Half-written")
            raise RuntimeError("boom")
    assert await AuditEntry.all().count() == before
    assert (await Factory.get(code="E001")).name != "Half-written"
