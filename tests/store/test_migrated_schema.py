"""The migrations build the same indexes and unique constraints on SQLite and PostgreSQL.

On SQLite, tortoise alters a column by rebuilding the table and does not recreate its
indexes (0014 lost all of surveillance_task's and purchase_assignment's; 0016 restores
them). Comparing two freshly migrated databases catches any later migration doing it again."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections import defaultdict

import asyncpg
import pytest

from policies.authorizer import read_seed_policy
from server.cli import main
from store.migrate import apply_migrations
from tests.databases import (
    POSTGRES_URL,
    REQUIRE_POSTGRES,
    _admin,
    postgres_unavailable_reason,
    reset_orm_caches,
    with_database,
)

Index = tuple[str, tuple[str, ...], bool]  # (table, columns in order, unique)

# Every index but primary keys; an expression column shows as "<expr>", a partial index is
# marked in its table name so that it never equals a full one.
POSTGRES_INDEXES = """
SELECT t.relname AS tbl, ix.indisunique AS uniq, ix.indpred IS NOT NULL AS partial,
       array(SELECT coalesce(a.attname, '<expr>')
             FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
             ORDER BY k.ord) AS cols
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND NOT ix.indisprimary
"""


def sqlite_indexes(path) -> set[Index]:
    found = set()
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list('{table}')"):
                if origin == "pk":  # a PRIMARY KEY that is not the rowid
                    continue
                columns = tuple(r[2] or "<expr>" for r in conn.execute(f"PRAGMA index_info('{name}')"))
                found.add((table + (" WHERE …" if partial else ""), columns, bool(unique)))
    return found


async def postgres_indexes(url: str) -> set[Index]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(POSTGRES_INDEXES)
    finally:
        await conn.close()
    return {(r["tbl"] + (" WHERE …" if r["partial"] else ""), tuple(r["cols"]), r["uniq"]) for r in rows}


def by_table(indexes: set[Index]) -> dict[str, set]:
    tables = defaultdict(set)
    for table, columns, unique in indexes:
        tables[table].add((columns, unique))
    return tables


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "migrated.sqlite3"
    reset_orm_caches()
    asyncio.run(apply_migrations(f"sqlite://{path}", read_seed_policy()))
    return path


@pytest.fixture(scope="module")
def migrated_postgres():
    reason = postgres_unavailable_reason()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"surveil_test_schema_{os.getpid()}"  # runs in parallel do not collide
    url = with_database(POSTGRES_URL, name)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    reset_orm_caches()
    try:
        asyncio.run(apply_migrations(url, read_seed_policy()))
        yield url
    finally:
        reset_orm_caches()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))


def test_both_backends_have_the_same_indexes_and_unique_constraints(migrated_sqlite, migrated_postgres):
    on_sqlite = by_table(sqlite_indexes(migrated_sqlite))
    on_postgres = by_table(asyncio.run(postgres_indexes(migrated_postgres)))
    differences = {
        table: {
            "only on PostgreSQL": sorted(on_postgres[table] - on_sqlite[table]),
            "only on SQLite": sorted(on_sqlite[table] - on_postgres[table]),
        }
        for table in sorted(on_sqlite.keys() | on_postgres.keys())
        if on_sqlite[table] != on_postgres[table]
    }
    assert not differences, differences
    # The comparison sees what it should: the key 0014 had lost, on both sides.
    assert (("factory_id", "year", "plan_sequence"), True) in on_sqlite["surveillance_task"]


def test_sqlite_filters_tasks_by_factory_through_an_index(migrated_sqlite):
    """A page of tasks of one factory (and of one buyer's assignments) is a search through an
    index, not a scan of the table: at 1M tasks, 0.1 ms instead of 62 ms."""
    page = "SELECT * FROM {table} WHERE {column} = ? ORDER BY id LIMIT 21"
    with sqlite3.connect(migrated_sqlite) as conn:
        for table, column in (("surveillance_task", "factory_id"), ("purchase_assignment", "buyer_id")):
            plan = [
                step[-1] for step in conn.execute("EXPLAIN QUERY PLAN " + page.format(table=table, column=column), (1,))
            ]
            assert any(
                step.startswith(f"SEARCH {table} USING ") and "INDEX" in step and f"({column}=?)" in step
                for step in plan
            ), plan


# The key's columns in surveillance_task as 0015 left it; the other NOT NULL columns get
# plausible values (this is the schema of that time, not of today's models).
TASK_AT_0015 = (
    "INSERT INTO surveillance_task (kind, status, factory_id, responsible_unit_id, executing_unit_id, year, "
    "plan_sequence, due_on, with_sampling, requirements, version, created_at, updated_at, disclosed_labs, "
    "escalated, unannounced, complex) VALUES ('ROUTINE_PRE_NOTIFIED', 'DRAFT', 1, 1, 1, 2026, ?, '2026-06-30', "
    "0, '', 1, '2026-01-05 00:00:00+00:00', '2026-01-05 00:00:00+00:00', '[]', 0, 0, 0)"
)


async def _migrate_to(url: str, target: str) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from store.config import tortoise_config

    try:
        await migrate(config=tortoise_config(url), target=target)
    finally:
        await Tortoise.close_connections()


def test_migrate_refuses_to_restore_the_plan_key_over_duplicates_and_names_them(tmp_path, monkeypatch, capsys):
    """Rows written while SQLite had no unique key may break it: `surveil migrate` stops,
    names them and changes nothing; once the operator resolves them, it completes."""
    path = tmp_path / "old.sqlite3"
    reset_orm_caches()
    asyncio.run(_migrate_to(f"sqlite://{path}", "models.0015_archive"))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO org_unit (code, name, name_zh, kind, provinces, countries, regions, created_at) "
            "VALUES ('east', 'East', '华东', 'SUBCENTER', '[]', '[]', '[]', '2026-01-01 00:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO factory (code, name, address, country, province, classification, status, version, "
            "created_at, updated_at, responsible_unit_id) VALUES ('E001', 'F', 'A', 'CN', 'Jiangsu', 'A', "
            "'ACTIVE', 1, '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00', 1)"
        )
        for sequence in (1, 1, 2, None, None):  # one duplicate; NULLs never collide
            conn.execute(TASK_AT_0015, (sequence,))
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{path}")

    assert main(["migrate"]) == 2
    message = capsys.readouterr().err
    assert "factory_id=1, year=2026, plan_sequence=1 (ids 1,2)" in message, message
    assert "surveil migrate" in message and "Traceback" not in message
    with sqlite3.connect(path) as conn:
        applied = {r[0] for r in conn.execute("SELECT name FROM tortoise_migrations")}
        assert "0016_restore_sqlite_indexes" not in applied
        assert conn.execute("SELECT COUNT(*) FROM surveillance_task").fetchone()[0] == 5
        conn.execute("UPDATE surveillance_task SET plan_sequence = 3 WHERE id = 2")  # the operator's fix

    assert main(["migrate"]) == 0
    assert (("factory_id", "year", "plan_sequence"), True) in by_table(sqlite_indexes(path))["surveillance_task"]
