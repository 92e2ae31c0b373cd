"""The migrations build the same indexes and unique constraints on SQLite and PostgreSQL.

On SQLite, tortoise alters a column by rebuilding the table and does not recreate its
indexes (0014 lost all of surveillance_task's and purchase_assignment's; 0016 restores
them). Comparing two freshly migrated databases catches any later migration doing it again.
Each backend is also compared with the indexes the models declare (a foreign key added by a
migration gets no index: 0019 creates those) and checked for audit_entry's append-only triggers."""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import sqlite3
from collections import defaultdict

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.indexes import Index as TortoiseIndex

from policies.authorizer import read_seed_policy
from server.cli import main
from store.config import APP_LABEL, tortoise_config
from store.migrate import apply_migrations
from store.readiness import MIGRATIONS_TABLE
from tests.databases import (
    POSTGRES_URL,
    _admin,
    reset_orm_caches,
    skip_without_postgres,
    with_database,
)
from tests.store.migrations_support import _migrate_to

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
PG_TRIGGERS = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass AND NOT tgisinternal"
# The migrations that create audit_entry's triggers; one that adds another belongs here.
AUDIT_TRIGGER_MIGRATIONS = ("0002_audit_append_only", "0017_audit_integrity", "0021_audit_in_sequence")


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


async def _postgres_fetch(url: str, sql: str) -> list:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


async def postgres_indexes(url: str) -> set[Index]:
    rows = await _postgres_fetch(url, POSTGRES_INDEXES)
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
    skip_without_postgres()
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


async def _declared_indexes() -> set[Index]:
    """What the models ask for, as tortoise's schema generator reads them: a field's index and
    unique flags, unique_together, Meta.indexes. A migration's AddField of a foreign key with
    db_index creates no index (0011 and 0013 did that), so models and databases can part."""
    await Tortoise.init(config=tortoise_config("sqlite://:memory:"))
    try:
        declared = set()
        for model in Tortoise.apps[APP_LABEL].values():
            meta, table = model._meta, model._meta.db_table

            def column(name: str, meta=meta) -> str:
                return meta.fields_map[name].source_field or name

            for name, col in meta.fields_db_projection.items():
                field = meta.fields_map[name]
                if field.index and not field.pk:
                    declared.add((table, (col,), False))
                if field.unique and not field.pk:
                    declared.add((table, (col,), True))
            for names in meta.unique_together or ():
                declared.add((table, tuple(column(n) for n in names), True))
            for index in meta.indexes or ():
                if isinstance(index, TortoiseIndex):
                    columns = tuple(column(n) for n in index.fields) or ("<expr>",) * len(index.expressions)
                    declared.add((table + (" WHERE …" if "WHERE" in index.extra.upper() else ""), columns, False))
                else:
                    declared.add((table, tuple(column(n) for n in index), False))
        return declared
    finally:
        await Tortoise.close_connections()


def _migrated_indexes(request, backend: str) -> set[Index]:
    if backend == "sqlite":
        return sqlite_indexes(request.getfixturevalue("migrated_sqlite"))
    return asyncio.run(postgres_indexes(request.getfixturevalue("migrated_postgres")))


def test_the_migrations_create_every_index_the_models_declare(request, backend):
    declared = asyncio.run(_declared_indexes())
    found = {index for index in _migrated_indexes(request, backend) if index[0] != MIGRATIONS_TABLE}  # tortoise's own
    assert not declared - found, sorted(declared - found)
    # And nothing the models no longer declare is left behind.
    assert not found - declared, sorted(found - declared)
    # The reading of the models sees field indexes, foreign keys, unique_together and Meta.indexes.
    for index in [
        ("surveillance_task", ("status",), False),
        ("document", ("purchase_id",), False),
        ("sampling_scheme", ("product_category_id",), True),
        ("audit_entry", ("object_type", "object_id"), False),
    ]:
        assert index in declared, index


def _created_triggers(sql: str) -> set[str]:
    return set(re.findall(r"CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?(\w+)\"?[^;]*?\sON\s+\"?audit_entry\b", sql))


def _audit_triggers_defined(backend: str) -> set[str]:
    """By name, from the forward scripts of the migrations that create them."""
    names = set()
    for migration in AUDIT_TRIGGER_MIGRATIONS:
        module = importlib.import_module(f"store.migrations.{migration}")
        names |= _created_triggers(module.POSTGRES if backend == "postgres" else module.SQLITE)
    return names


FROM_0002 = {
    "sqlite": {"audit_entry_no_update", "audit_entry_no_delete"},
    "postgres": {"audit_entry_no_change", "audit_entry_no_truncate"},
}


def test_the_audit_trail_keeps_its_append_only_triggers(request, backend):
    """A SQLite table rebuild (as 0014 did to surveillance_task) drops a table's triggers too:
    an audit_entry rebuilt by a later migration would silently become editable."""
    if backend == "sqlite":
        with sqlite3.connect(request.getfixturevalue("migrated_sqlite")) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'")
            found = {r[0] for r in rows}
    else:
        found = {
            r["tgname"] for r in asyncio.run(_postgres_fetch(request.getfixturevalue("migrated_postgres"), PG_TRIGGERS))
        }
    defined = _audit_triggers_defined(backend)
    assert FROM_0002[backend] <= defined, defined  # the names are read from the migrations
    assert found == defined, {"missing": sorted(defined - found), "not defined": sorted(found - defined)}


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
