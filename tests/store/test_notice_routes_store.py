"""Migration 0037 on a database made before it, on SQLite and PostgreSQL: the routes there were
become routes for every unit (`*`), the CSV's lines naming a unit are added once, the policy
lines for managing routes arrive, and (kind, role, unit) is the unique key."""

from __future__ import annotations

import asyncio
import importlib

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError

from store.config import tortoise_config
from store.migrate import apply_migrations
from tests.databases import reset_orm_caches
from tests.store.migrations_support import _migrate_to, empty_database

BEFORE = "models.0036_purchase_secrecy"  # in the merged chain: the migration 0037 follows
MIGRATION = importlib.import_module("store.migrations.0037_notice_routes_per_unit")
POLICY = (
    "INSERT INTO policy_rule (ptype, v0, v1, v2, v3, created_at) "
    "VALUES ('p', 'planner', 'unit:*', 'task', 'read', '2026-01-01 00:00:00+00:00')"
)


@pytest.fixture
def empty_url(backend, tmp_path):
    yield from empty_database(backend, tmp_path, "routes")


async def _before(url: str) -> list[tuple[str, str]]:
    await _migrate_to(url, BEFORE)
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = connections.get("default")
        await conn.execute_query(POLICY)  # a database seeded before: the new lines are added
        await conn.execute_query("INSERT INTO notice_route (kind, role) VALUES ('review.due', 'archivist')")
        rows = await conn.execute_query_dict("SELECT kind, role FROM notice_route")
        return sorted((r["kind"], r["role"]) for r in rows)
    finally:
        await Tortoise.close_connections()


def test_existing_routes_become_every_unit_routes_and_the_csvs_unit_lines_arrive(empty_url, tmp_path, monkeypatch):
    old = asyncio.run(_before(empty_url))
    assert ("review.due", "archivist") in old and len(old) > 30
    csv = tmp_path / "notice_routes.csv"
    csv.write_text("# kind, role[, unit]\nreview.due, archivist\ntask.exception, inspector, east\n", encoding="utf-8")
    monkeypatch.setattr(MIGRATION, "ROUTES_CSV", csv)
    reset_orm_caches()
    asyncio.run(apply_migrations(empty_url, []))
    reset_orm_caches()
    asyncio.run(_check(empty_url, old))


async def _check(url: str, old: list[tuple[str, str]]) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = connections.get("default")
        rows = await conn.execute_query_dict("SELECT kind, role, unit FROM notice_route")
        routes = sorted((r["kind"], r["role"], r["unit"]) for r in rows)
        assert routes == sorted([(kind, role, "*") for kind, role in old] + [("task.exception", "inspector", "east")])
        lines = await conn.execute_query_dict("SELECT v0, v1, v3 FROM policy_rule WHERE v2 = 'notice_route'")
        assert sorted((r["v0"], r["v1"], r["v3"]) for r in lines) == [
            ("planner", "unit:*", "read"),
            ("policy_admin", "unit:hq", "manage"),
            ("policy_admin", "unit:hq", "read"),
        ]
        # The same kind and role in another unit is another route; the same one twice is refused.
        await conn.execute_query(
            "INSERT INTO notice_route (kind, role, unit) VALUES ('review.due', 'archivist', 'east')"
        )
        with pytest.raises(IntegrityError):
            await conn.execute_query("INSERT INTO notice_route (kind, role) VALUES ('review.due', 'archivist')")
    finally:
        await Tortoise.close_connections()
