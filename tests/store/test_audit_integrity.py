"""The audit trail against someone with SQL access or the database file, on both backends:
no statement rewrites a record while the triggers stand; with the triggers dropped, any
change to a meaningful column of a record is named by `surveil audit verify`; chains written
before record formats existed still verify after the upgrade."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from domain.audit_chain import CURRENT_FORMAT, FIELDS_BY_FORMAT, GENESIS, record_hash
from store.audit import canonical_time
from store.migrate import migrate_schema
from tests.databases import POSTGRES_URL, SqliteWorlds, _admin, reset_orm_caches, with_database
from tests.store.audit_support import RawDb, append_records, audit_db_fixture, cli, with_orm  # noqa: F401

TARGET = 4  # a record in the middle of the chain


def _copy(db: RawDb, *, drop=(), **overrides) -> tuple[str, str]:
    """(column list, SELECT) re-inserting record TARGET with some columns replaced by SQL."""
    cols = [c for c in db.columns() if c not in drop]
    select = ", ".join(overrides.get(c, c) for c in cols)
    return ", ".join(cols), f"SELECT {select} FROM audit_entry WHERE seq = {TARGET}"


NEW = {"hash": "'" + "f" * 64 + "'", "prev_hash": "'" + "e" * 64 + "'"}


def _statements(db: RawDb) -> dict[str, str]:
    s = TARGET
    all_cols, same = _copy(db, reason="'forged'")
    no_id, seq_only = _copy(db, drop=("id",), reason="'forged'", **NEW)
    _, id_only = _copy(db, seq="seq + 100000", reason="'forged'", **NEW)
    _, hash_only = _copy(db, drop=("id",), seq="seq + 100000", prev_hash=NEW["prev_hash"], reason="'forged'")
    both = {
        "upsert on seq": f"INSERT INTO audit_entry ({no_id}) {seq_only} ON CONFLICT (seq) DO UPDATE SET reason = 'forged'",
        "upsert on id": f"INSERT INTO audit_entry ({all_cols}) {id_only} ON CONFLICT (id) DO UPDATE SET reason = 'forged'",
        "upsert on hash": f"INSERT INTO audit_entry ({no_id}) {hash_only} "
        "ON CONFLICT (hash) DO UPDATE SET reason = excluded.reason",
        "plain insert of a copy": f"INSERT INTO audit_entry ({no_id}) {seq_only}",
    }
    if db.postgres:
        merge = f"MERGE INTO audit_entry t USING (SELECT {s} AS seq) s ON t.seq = s.seq WHEN MATCHED THEN "
        return {**both, "merge update": merge + "UPDATE SET reason = 'forged'", "merge delete": merge + "DELETE"}
    return {
        **both,
        # REPLACE deletes the rows it collides with without firing DELETE triggers.
        "replace": f"REPLACE INTO audit_entry ({all_cols}) {same}",
        "insert or replace, seq only": f"INSERT OR REPLACE INTO audit_entry ({no_id}) {seq_only}",
        "insert or replace, hash only": f"INSERT OR REPLACE INTO audit_entry ({no_id}) {hash_only}",
        "update or replace": f"UPDATE OR REPLACE audit_entry SET seq = {s + 1} WHERE seq = {s}",
    }


def test_no_insert_replaces_or_upserts_an_existing_record(audit_db, capsys):
    before, count = audit_db.row(TARGET), audit_db.fetch("SELECT COUNT(*) AS n FROM audit_entry")
    refused = {}
    for name, sql in _statements(audit_db).items():
        with pytest.raises(Exception) as raised:  # the driver's own error type
            audit_db.execute(sql)
        refused[name] = "append-only" in str(raised.value)
        assert audit_db.row(TARGET) == before, name
        assert audit_db.fetch("SELECT COUNT(*) AS n FROM audit_entry") == count, name
    assert refused == dict.fromkeys(refused, True)
    assert cli(capsys, "audit", "verify")[0] == 0


def test_a_new_record_is_still_appended(audit_db, capsys):
    with_orm(audit_db.url, lambda: append_records(1, "still appends"))
    code, out, _ = cli(capsys, "audit", "verify")
    assert code == 0 and "intact" in out


def test_every_meaningful_column_is_hashed(audit_db):
    columns = set(audit_db.columns())
    # id is storage only; prev_hash and hash are the links themselves
    assert columns - {"id", "prev_hash", "hash"} == set(FIELDS_BY_FORMAT[CURRENT_FORMAT])
    assert audit_db.fetch("SELECT DISTINCT format FROM audit_entry") == [{"format": CURRENT_FORMAT}]


def _tampering(db: RawDb) -> dict[str, str]:
    """Per column, an SQL expression giving it another value (a new column must be added here)."""
    return {
        "actor_id": "COALESCE(actor_id, 0) + 1",  # the action attributed to someone else
        "actor": "actor || 'x'",
        "unit": "unit || 'x'",
        "action": "action || 'x'",
        "object_type": "object_type || 'x'",
        "object_id": "COALESCE(object_id, 0) + 1",
        "before": """'{"forged": true}'""",
        "after": """'{"forged": true}'""",
        "reason": "COALESCE(reason, '') || 'x'",
        "request_id": "request_id || 'x'",
        "at": "at + INTERVAL '1 second'" if db.postgres else "'2020-01-01 00:00:00.000001+00:00'",
        "seq": "seq + 100000",
        "format": "1",
    }


def test_changing_any_meaningful_column_is_found_by_audit_verify(audit_db, capsys):
    audit_db.drop_audit_triggers()
    original = audit_db.row(TARGET)
    tampering = _tampering(audit_db)
    assert set(tampering) == set(audit_db.columns()) - {"id", "prev_hash", "hash"}
    for column, expression in tampering.items():
        audit_db.execute(f"UPDATE audit_entry SET {column} = {expression} WHERE id = ?", original["id"])
        code, out, _ = cli(capsys, "audit", "verify")
        assert code == 1, column
        assert f"BROKEN at seq {TARGET + (1 if column == 'seq' else 0)}:" in out, (column, out)
        audit_db.execute(f"UPDATE audit_entry SET {column} = ? WHERE id = ?", original[column], original["id"])
        assert cli(capsys, "audit", "verify")[0] == 0, column  # restored exactly: nothing else was seen


def _v1_rows(n: int) -> list[dict]:
    """Records as the code before record formats wrote them (their hash leaves actor_id out)."""
    rows, prev = [], GENESIS
    t0 = datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
    for seq in range(1, n + 1):
        at = t0 + timedelta(minutes=seq)
        record = {"seq": seq, "at": canonical_time(at), "actor_id": 7, "actor": "east.planner", "unit": "east",
                  "action": "factory.correct", "object_type": "Factory", "object_id": seq,
                  "before": {"address": f"旧址 {seq}"}, "after": {"address": f"新址 {seq}"}, "reason": "地址变更",
                  "request_id": f"req-{seq}", "prev_hash": prev}  # fmt: skip
        record["hash"] = prev = record_hash(record, prev)
        rows.append({**record, "at": at})
    return rows


@pytest.fixture
def empty_db(worlds, tmp_path, monkeypatch):
    """A database with no tables yet (worlds: skips PostgreSQL when it is not reachable)."""
    reset_orm_caches()
    if isinstance(worlds, SqliteWorlds):
        url = f"sqlite://{tmp_path / 'upgrade.sqlite3'}"
    else:
        name = f"surveil_audit_upgrade_{os.getpid()}_{id(tmp_path)}"
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        url = with_database(POSTGRES_URL, name)
    monkeypatch.setenv("DATABASE_URL", url)
    yield RawDb(url)
    if not isinstance(worlds, SqliteWorlds):
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"'))


async def _migrate_to(url: str, target: str) -> None:
    await migrate_schema(url, target)  # closes its connections: an open SQLite one keeps the process alive


def test_a_chain_written_before_formats_still_verifies_after_the_upgrade(empty_db, capsys):
    db = empty_db
    asyncio.run(_migrate_to(db.url, "models.0016_restore_sqlite_indexes"))
    columns = ("seq", "at", "actor_id", "actor", "unit", "action", "object_type", "object_id", "before", "after",
               "reason", "request_id", "prev_hash", "hash")  # fmt: skip
    insert = f"INSERT INTO audit_entry ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for row in _v1_rows(5):
        values = [row[c] for c in columns]
        values[1] = values[1] if db.postgres else str(values[1])
        values[8:10] = [json.dumps(row["before"]), json.dumps(row["after"])]
        db.execute(insert, *values)

    assert cli(capsys, "migrate")[0] == 0
    assert db.fetch("SELECT DISTINCT format FROM audit_entry") == [{"format": 1}]
    code, out, _ = cli(capsys, "audit", "verify")
    assert (code, out.strip()) == (0, "audit chain intact: 5 records")

    with_orm(db.url, lambda: append_records(3, "after upgrade"))
    assert db.fetch("SELECT format, COUNT(*) AS n FROM audit_entry GROUP BY format ORDER BY format") == [
        {"format": 1, "n": 5},
        {"format": 2, "n": 3},
    ]
    code, out, _ = cli(capsys, "audit", "verify")
    assert (code, out.strip()) == (0, "audit chain intact: 8 records")

    db.drop_audit_triggers()
    db.execute("UPDATE audit_entry SET actor_id = 1 WHERE seq = 7")
    code, out, _ = cli(capsys, "audit", "verify")
    assert code == 1 and "BROKEN at seq 7: content does not match its hash" in out
