"""Audit records are appended in sequence, and `audit verify` reads every row of the table:
a record slipped in before the first one, between two or after the head is refused by the
database, and found by `audit verify` if the triggers were dropped first. A row edited into
something the ORM cannot read is named, not a traceback."""

from __future__ import annotations

import pytest

from tests.store.audit_support import RawDb, audit_db_fixture, cli  # noqa: F401

COLUMNS = ("seq", "at", "actor_id", "actor", "unit", "action", "object_type", "object_id", "before", "after",
           "reason", "request_id", "prev_hash", "hash", "format")  # fmt: skip


def _forged(db: RawDb, seq: int, prev_hash: str) -> str:
    at = "'2026-11-30 09:00:00+00:00'"
    values = (f"{seq}", at, "3", "'hq.planner'", "'hq'", "'factory.correct'", "'Factory'", "1",
              """'{"address": "real"}'""", """'{"address": "forged"}'""", "'forged by mallory'", "'r'",
              f"'{prev_hash}'", "'" + "a" * 64 + "'", "2")  # fmt: skip
    return f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join(values)})"


def _head(db: RawDb) -> dict:
    return db.fetch("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")[0]


def _slips(db: RawDb) -> dict[str, str]:
    head = _head(db)
    return {
        "before the first record": _forged(db, 0, "f0" * 32),
        "below zero": _forged(db, -1, "d" * 64),
        "past the head": _forged(db, head["seq"] + 5, head["hash"]),
        "next number, wrong previous hash": _forged(db, head["seq"] + 1, "e" * 64),
    }


def test_a_record_out_of_sequence_is_refused(audit_db, capsys):
    count = audit_db.fetch("SELECT COUNT(*) AS n FROM audit_entry")
    for name, sql in _slips(audit_db).items():
        with pytest.raises(Exception) as raised:  # the driver's own error type
            audit_db.execute(sql)
        assert "append-only" in str(raised.value), name
        assert audit_db.fetch("SELECT COUNT(*) AS n FROM audit_entry") == count, name
    assert cli(capsys, "audit", "verify")[0] == 0


@pytest.mark.parametrize("where", ["before the first record", "below zero", "past the head"])
def test_audit_verify_reads_every_row(audit_db, capsys, where):
    audit_db.drop_audit_triggers()
    if not audit_db.postgres:  # PostgreSQL: every user trigger was disabled above
        audit_db.execute("DROP TRIGGER IF EXISTS audit_entry_in_sequence")
    audit_db.execute(_slips(audit_db)[where])
    code, out, _ = cli(capsys, "audit", "verify")
    assert code == 1 and "BROKEN at seq" in out, out


UNREADABLE = {
    "a date that is not one": "at = 'garbage'",
    "a sequence that is text": "seq = 'abc'",
    "JSON that is not": "\"before\" = '{not json'",
}


@pytest.mark.parametrize("edit", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_record_is_named_not_a_traceback(audit_db, capsys, edit):
    if audit_db.postgres:
        pytest.skip("PostgreSQL's column types refuse such values at the UPDATE")
    audit_db.drop_audit_triggers()
    target = audit_db.fetch("SELECT id FROM audit_entry ORDER BY seq DESC LIMIT 1 OFFSET 2")[0]["id"]
    audit_db.execute(f"UPDATE audit_entry SET {edit} WHERE id = ?", target)
    code, out, err = cli(capsys, "audit", "verify")
    assert code == 1 and "Traceback" not in out + err, out + err
    assert f"record id {target} cannot be read" in out, out  # the row itself, not its batch
