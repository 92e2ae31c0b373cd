"""Record formats (1: before actor_id was hashed, 2: every meaningful column) and signed
checkpoints of the audit chain's head."""

from __future__ import annotations

import json

import pytest

from domain.audit_chain import (
    CURRENT_FORMAT,
    FIELDS_BY_FORMAT,
    GENESIS,
    HASHED_FIELDS,
    checkpoint_problem,
    compare_with_checkpoint,
    record_hash,
    sign_checkpoint,
    verify_chain,
)
from tests.domain.audit_support import chain, content, content_v2, different, sample

# --- record formats ------------------------------------------------------------------------

# Computed with the hash function as it was before formats existed (format 1): chains written
# then must keep verifying, so the format 1 field set and canonical form may never change.
V1_GOLDEN = (
    "5963e95c061c83fba68b0b811430f02909af834af14936f22a81c1a9a61c751c",
    "c7c5c0b796d0624b4e7465b331b875e6d1221cc3769c551dedcf9859597914ce",
)


def test_format_1_hashes_exactly_as_before_formats_existed():
    first = {"seq": 1, "at": "2024-03-01T08:01:00.000000+00:00", "actor": "east.planner", "unit": "east",
             "action": "factory.correct", "object_type": "Factory", "object_id": 12, "before": {"address": "旧址"},
             "after": {"address": "新址"}, "reason": "地址变更", "request_id": "req-1", "actor_id": 42}  # fmt: skip
    second = {**first, "seq": 2, "actor_id": None, "before": None, "reason": None}
    assert record_hash(first, GENESIS) == V1_GOLDEN[0]
    assert record_hash({**first, "format": 1}, GENESIS) == V1_GOLDEN[0]  # as read after the migration
    assert record_hash(second, V1_GOLDEN[0]) == V1_GOLDEN[1]


def test_new_records_use_a_format_that_hashes_actor_id():
    assert CURRENT_FORMAT == 2
    assert set(FIELDS_BY_FORMAT[2]) == {*HASHED_FIELDS, "actor_id", "format"}


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("name", [f for f in FIELDS_BY_FORMAT[2] if f not in ("seq", "format")])
def test_changing_any_meaningful_field_of_a_format_2_record_breaks_it(index, name):
    records = sample(fmt=2)
    records[index][name] = different(records[index][name])
    checked, broken = verify_chain(records)
    assert (checked, broken.seq) == (index + 1, index + 1)
    assert "content" in broken.problem


def test_actor_id_of_a_format_1_record_is_not_covered_which_is_why_format_2_exists():
    records = sample(fmt=1)
    records[2]["actor_id"] = 999
    assert verify_chain(records) == (6, None)
    records = sample(fmt=2)
    records[2]["actor_id"] = 999
    assert verify_chain(records)[1].seq == 3


def test_a_chain_upgraded_from_format_1_to_2_verifies():
    records = chain([content(1), content(2), content_v2(3), content_v2(4)])
    assert verify_chain(records) == (4, None)


@pytest.mark.parametrize(("value", "problem"), [(1, "content"), (None, "content"), (3, "unknown record format 3"),
                                                ("2", "unknown record format '2'"), (True, "unknown record format")])  # fmt: skip
def test_changing_the_format_of_a_format_2_record_breaks_it(value, problem):
    records = sample(fmt=2)
    records[3]["format"] = value
    checked, broken = verify_chain(records)
    assert (checked, broken.seq) == (4, 4)
    assert problem in broken.problem


def test_an_older_format_after_a_newer_one_is_refused_even_with_a_recomputed_hash():
    # The newest record re-hashed as format 1, so that its actor_id can change unseen.
    records = sample(3, fmt=2)
    forged = {k: v for k, v in records[2].items() if k != "format"} | {"actor_id": 1}
    forged["hash"] = record_hash(forged, forged["prev_hash"])
    checked, broken = verify_chain([*records[:2], forged])
    assert (checked, broken.seq) == (3, 3)
    assert broken.problem == "record format 1 after format 2"


def test_an_unknown_format_hashes_to_nothing_a_stored_hash_can_match():
    assert record_hash(content_v2(1, format=9), GENESIS) == ""
    assert record_hash(content_v2(1, format=[2]), GENESIS) == ""


# --- checkpoints ---------------------------------------------------------------------------

KEY = b"k" * 32


def signed(seq: int = 6, head: str | None = None, key: bytes = KEY) -> dict:
    head = head if head is not None else sample()[seq - 1]["hash"]
    return sign_checkpoint(seq=seq, head_hash=head, created_at="2026-11-24T10:00:00+00:00", key=key)


def test_a_signed_checkpoint_checks_with_its_key_only():
    checkpoint = signed()
    assert checkpoint_problem(checkpoint, KEY) is None
    assert "signature" in checkpoint_problem(checkpoint, b"o" * 32)
    assert checkpoint_problem(json.loads(json.dumps(checkpoint)), KEY) is None  # as read from its file


@pytest.mark.parametrize(("name", "value"), [("seq", 7), ("seq", 5), ("hash", "f" * 64), ("createdAt", "2027-01-01"),
                                             ("hmac", "0" * 64), ("hmac", None)])  # fmt: skip
def test_editing_any_part_of_a_checkpoint_is_seen(name, value):
    assert "signature" in checkpoint_problem({**signed(), name: value}, KEY)


@pytest.mark.parametrize(
    "bad", [[], "x", {}, {"format": "other"}, {"format": "surveil-audit-checkpoint/1", "hash": "a"},
            {"format": "surveil-audit-checkpoint/1", "seq": True, "hash": "a"},
            {"format": "surveil-audit-checkpoint/1", "seq": -1, "hash": "a"}],
)  # fmt: skip
def test_a_malformed_checkpoint_is_named(bad):
    assert checkpoint_problem(bad, KEY) is not None


def test_the_chain_holds_its_checkpoint_while_it_grows():
    records = sample(6)
    checkpoint = signed(4, records[3]["hash"])
    assert compare_with_checkpoint(checkpoint, head_seq=4, hash_at_seq=records[3]["hash"]) is None
    assert compare_with_checkpoint(checkpoint, head_seq=6, hash_at_seq=records[3]["hash"]) is None
    assert compare_with_checkpoint(signed(0, GENESIS), head_seq=0, hash_at_seq=None) is None


def test_truncation_before_the_checkpoint_is_named():
    checkpoint = signed(6)
    kind, why = compare_with_checkpoint(checkpoint, head_seq=4, hash_at_seq=None)
    assert kind == "TRUNCATED" and "ends at seq 4" in why and "seq 6" in why
    assert compare_with_checkpoint(checkpoint, head_seq=0, hash_at_seq=None)[0] == "TRUNCATED"


def test_a_rewrite_up_to_the_checkpoint_is_named():
    records = sample(6)
    records[1]["reason"] = "rewritten"
    for i in range(1, 6):  # every later hash recomputed: the chain alone cannot tell
        records[i]["prev_hash"] = records[i - 1]["hash"]
        records[i]["hash"] = record_hash(records[i], records[i]["prev_hash"])
    assert verify_chain(records) == (6, None)
    kind, why = compare_with_checkpoint(signed(5), head_seq=6, hash_at_seq=records[4]["hash"])
    assert kind == "REWRITTEN" and "seq 5" in why
    assert compare_with_checkpoint(signed(5), head_seq=6, hash_at_seq=None)[0] == "REWRITTEN"
