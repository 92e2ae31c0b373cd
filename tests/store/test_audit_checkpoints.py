"""Signed checkpoints through the real CLI, on both backends: `surveil audit checkpoint` signs
the head with a key the database does not hold; `surveil audit verify --checkpoint FILE`
names a truncation, a rewrite up to the checkpoint, and a forged checkpoint. Exit codes:
0 intact, 1 a problem found, 2 a usage error."""

from __future__ import annotations

import json

import pytest

from domain.audit_chain import record_hash
from server.cli_audit import KEY_VARIABLE
from store.audit import iter_chain
from tests.store.audit_support import append_records, audit_db_fixture, cli, with_orm  # noqa: F401

KEY = "k" * 32


@pytest.fixture
def keyed(audit_db, monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    return audit_db


def _checkpoint(capsys, path) -> dict:
    code, out, _ = cli(capsys, "audit", "checkpoint", "--out", str(path))
    assert code == 0, out
    return json.loads(path.read_text())


def test_a_checkpoint_needs_a_key_outside_the_database(audit_db, tmp_path, capsys, monkeypatch):
    out_file = tmp_path / "cp.json"
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    code, out, err = cli(capsys, "audit", "checkpoint", "--out", str(out_file))
    assert (code, out) == (2, "") and f"{KEY_VARIABLE} is not set" in err
    assert not out_file.exists()
    monkeypatch.setenv(KEY_VARIABLE, "short")
    code, _, err = cli(capsys, "audit", "checkpoint", "--out", str(out_file))
    assert code == 2 and "shorter than 32 characters" in err and not out_file.exists()
    out_file.write_text("{}")
    monkeypatch.delenv(KEY_VARIABLE)
    code, _, err = cli(capsys, "audit", "verify", "--checkpoint", str(out_file))
    assert code == 2 and KEY_VARIABLE in err


def test_the_checkpoint_holds_while_the_chain_grows(keyed, tmp_path, capsys):
    checkpoint = _checkpoint(capsys, tmp_path / "cp.json")
    assert checkpoint["seq"] == keyed.fetch("SELECT MAX(seq) AS n FROM audit_entry")[0]["n"]
    assert checkpoint["hash"] == keyed.row(checkpoint["seq"])["hash"] and len(checkpoint["hmac"]) == 64

    code, out, _ = cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp.json"))
    assert code == 0 and f"checkpointed seq {checkpoint['seq']}" in out
    with_orm(keyed.url, lambda: append_records(2, "later"))
    code, out, _ = cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp.json"))
    assert code == 0 and f"intact: {checkpoint['seq'] + 2} records" in out

    code, out, _ = cli(capsys, "audit", "checkpoint")  # no --out: the JSON on stdout, to pipe elsewhere
    assert code == 0 and json.loads(out)["seq"] == checkpoint["seq"] + 2


def test_removing_the_newest_records_is_named_against_a_checkpoint(keyed, tmp_path, capsys):
    checkpoint = _checkpoint(capsys, tmp_path / "cp.json")
    keyed.drop_audit_triggers()
    keyed.execute("DELETE FROM audit_entry WHERE seq >= ?", checkpoint["seq"] - 1)

    code, out, _ = cli(capsys, "audit", "verify")
    assert code == 0  # the shorter chain is whole: the chain alone cannot see it
    code, out, _ = cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp.json"))
    assert code == 1
    assert f"TRUNCATED: the chain ends at seq {checkpoint['seq'] - 2}, before the checkpoint's seq" in out


async def _rewritten(seq: int) -> list[dict]:
    """An attacker's rewrite: change a record and recompute every later hash."""
    records = [r async for r in iter_chain()]
    prev = records[seq - 2]["hash"]
    for record in records[seq - 1 :]:
        if record["seq"] == seq:
            record["reason"] = "nothing happened here"
        record["prev_hash"] = prev
        record["hash"] = prev = record_hash(record, prev)
    return records[seq - 1 :]


def test_a_rewrite_up_to_the_checkpoint_is_named(keyed, tmp_path, capsys):
    checkpoint = _checkpoint(capsys, tmp_path / "cp.json")
    with_orm(keyed.url, lambda: append_records(2, "later"))
    keyed.drop_audit_triggers()
    for r in with_orm(keyed.url, lambda: _rewritten(checkpoint["seq"] - 2)):
        keyed.execute(
            "UPDATE audit_entry SET reason = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            *(r["reason"], r["prev_hash"], r["hash"], r["seq"]),
        )

    assert cli(capsys, "audit", "verify")[0] == 0  # consistent again: the chain alone cannot see it
    code, out, _ = cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp.json"))
    assert code == 1
    assert f"REWRITTEN: the record at seq {checkpoint['seq']} is not the one checkpointed" in out


def test_a_forged_or_edited_checkpoint_is_named(keyed, tmp_path, capsys, monkeypatch):
    checkpoint = _checkpoint(capsys, tmp_path / "cp.json")
    older = keyed.row(checkpoint["seq"] - 3)
    forgeries = {
        "an earlier seq, to hide a truncation": {**checkpoint, "seq": older["seq"], "hash": older["hash"]},
        "another hash": {**checkpoint, "hash": "f" * 64},
        "another date": {**checkpoint, "createdAt": "2030-01-01T00:00:00+00:00"},
        "no signature": {k: v for k, v in checkpoint.items() if k != "hmac"},
        "not a checkpoint": ["x"],
    }
    for what, forged in forgeries.items():
        (tmp_path / "forged.json").write_text(json.dumps(forged))
        code, out, _ = cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "forged.json"))
        assert code == 1, what
        assert f"FORGED CHECKPOINT: {tmp_path / 'forged.json'}" in out, what
    (tmp_path / "forged.json").write_bytes(b"\xff not json")
    assert cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "forged.json"))[:2] == (
        1,
        f"FORGED CHECKPOINT: {tmp_path / 'forged.json'}: not JSON\n",
    )
    monkeypatch.setenv(KEY_VARIABLE, "o" * 32)  # signed by someone else
    code, out, _ = cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "cp.json"))
    assert code == 1 and "signature does not match" in out


def test_usage_errors_exit_2(keyed, tmp_path, capsys):
    assert cli(capsys, "audit", "verify", "--checkpoint", str(tmp_path / "missing.json"))[0] == 2
    assert cli(capsys, "audit")[0] == 2
    assert cli(capsys, "audit", "verify", "--checkpoint")[0] == 2
    assert cli(capsys, "audit", "checkpoint", "--out", str(tmp_path / "no" / "such" / "dir.json"))[0] == 2


def test_a_broken_chain_is_not_checkpointed(keyed, tmp_path, capsys):
    keyed.drop_audit_triggers()
    keyed.execute("UPDATE audit_entry SET actor_id = 99 WHERE seq = 3")
    code, out, _ = cli(capsys, "audit", "checkpoint", "--out", str(tmp_path / "cp.json"))
    assert code == 1 and "BROKEN at seq 3" in out and "no checkpoint written" in out
    assert not (tmp_path / "cp.json").exists()
