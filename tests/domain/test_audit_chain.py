"""Tamper evidence of the audit trail: the first broken link is found and named, for both
record formats (test_audit_formats.py has the format rules and checkpoints)."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.audit_chain import (
    FIELDS_BY_FORMAT,
    GENESIS,
    HASHED_FIELDS,
    record_hash,
    verify_chain,
)
from tests.domain.audit_support import T0, chain, content, content_v2, different, sample

LINK_FIELDS = ("prev_hash", "hash")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


# --- examples ------------------------------------------------------------------------------


def test_empty_chain_verifies():
    assert verify_chain([]) == (0, None)


def test_a_well_built_chain_verifies():
    records = sample()
    assert verify_chain(records) == (len(records), None)
    assert records[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(records))


def test_verify_accepts_any_iterable():
    records = sample()
    assert verify_chain(iter(records)) == (len(records), None)


def test_datetimes_and_nested_values_hash_stably():
    records = chain([content(1, at=T0, before=None, after={"b": [1, 2], "a": {"z": 1, "y": "中文"}}, reason=None)])
    same = copy.deepcopy(records)
    same[0]["after"] = {"a": {"y": "中文", "z": 1}, "b": [1, 2]}  # key order does not matter
    assert verify_chain(same) == (1, None)


def test_fields_outside_the_hash_are_not_covered():
    records = sample(3)
    records[1]["id"] = 999  # a storage id, not content
    assert verify_chain(records) == (3, None)


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("name", [f for f in HASHED_FIELDS if f != "seq"])
def test_changing_a_hashed_field_breaks_that_record(index, name):
    records = sample()
    records[index][name] = different(records[index][name])
    checked, broken = verify_chain(records)
    assert checked == index + 1
    assert broken is not None
    assert broken.seq == index + 1
    assert "content" in broken.problem


@pytest.mark.parametrize("index", range(6))
def test_changing_seq_breaks_that_record_and_names_the_seq_as_stored(index):
    records = sample()
    records[index]["seq"] = 500
    checked, broken = verify_chain(records)
    assert checked == index + 1
    assert broken is not None
    assert broken.seq == 500


@pytest.mark.parametrize("index", range(6))
def test_removing_a_hashed_field_breaks_that_record(index):
    records = sample()
    del records[index]["reason"]
    assert verify_chain(records)[1].seq == index + 1


@pytest.mark.parametrize("index", range(6))
def test_editing_prev_hash_breaks_that_record(index):
    records = sample()
    records[index]["prev_hash"] = different(records[index]["prev_hash"])
    checked, broken = verify_chain(records)
    assert checked == index + 1
    assert broken.seq == index + 1
    assert "prev_hash" in broken.problem


@pytest.mark.parametrize("index", range(6))
def test_editing_the_stored_hash_breaks_that_record(index):
    records = sample()
    records[index]["hash"] = different(records[index]["hash"])
    checked, broken = verify_chain(records)
    assert checked == index + 1
    assert broken.seq == index + 1
    assert "content" in broken.problem


@pytest.mark.parametrize("index", range(5))
def test_tamper_with_a_recomputed_hash_breaks_the_next_link(index):
    records = sample()
    records[index]["reason"] = "rewritten history"
    records[index]["hash"] = record_hash(records[index], records[index]["prev_hash"])
    checked, broken = verify_chain(records)
    assert checked == index + 2
    assert broken.seq == index + 2
    assert "prev_hash" in broken.problem


@pytest.mark.parametrize("index", range(5))
def test_deleting_a_record_breaks_the_following_one(index):
    records = sample()
    del records[index]
    checked, broken = verify_chain(records)
    assert checked == index + 1
    assert broken.seq == index + 2  # the record after the gap
    assert "prev_hash" in broken.problem


def test_deleting_the_last_record_is_not_detectable_by_the_chain_alone():
    # Truncation leaves a valid (shorter) chain: the caller must compare the count / last seq.
    records = sample()
    assert verify_chain(records[:-1]) == (5, None)


@pytest.mark.parametrize(("i", "j"), [(0, 1), (0, 5), (2, 3), (1, 4), (4, 5)])
def test_reordering_two_records_breaks_at_the_first_moved_position(i, j):
    records = sample()
    records[i], records[j] = records[j], records[i]
    checked, broken = verify_chain(records)
    assert checked == i + 1
    assert broken.seq == j + 1  # the record now standing at position i
    assert "prev_hash" in broken.problem


def test_only_the_first_broken_link_is_reported():
    records = sample()
    records[1]["actor"] = 99
    records[4]["actor"] = 99
    assert verify_chain(records)[1].seq == 2


def test_a_record_from_another_chain_does_not_fit():
    ours, theirs = sample(3), chain([content(s, unit="south") for s in range(1, 4)])
    mixed = [ours[0], theirs[1], ours[2]]
    assert verify_chain(mixed)[1].seq == 2


# --- property ------------------------------------------------------------------------------

safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
json_leaf = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | safe_text
json_value = json_leaf | st.lists(json_leaf, max_size=2) | st.dictionaries(safe_text, json_leaf, max_size=2)
snapshot = st.none() | st.dictionaries(st.sampled_from(["name", "address", "classification", "status"]), json_leaf)


@st.composite
def contents(draw, fmt: int = 1):
    """1..30 record contents; a few fields vary per record, the rest follow from seq."""
    n = draw(st.integers(1, 30))
    out = []
    for seq in range(1, n + 1):
        record = content_v2(seq, actor_id=draw(st.none() | st.integers(1, 500))) if fmt == 2 else content(seq)
        record["actor"] = draw(st.none() | st.integers(1, 50))
        record["unit"] = draw(st.sampled_from(["hq", "east", "south", "west", "agency-de"]))
        record["after"] = draw(snapshot)
        record["reason"] = draw(st.none() | safe_text)
        out.append(record)
    return out


FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(fmt=st.sampled_from([1, 2]), data=st.data())
def test_single_field_tamper_is_reported_at_the_tampered_record(fmt, data):
    records = chain(data.draw(contents(fmt), label="contents"))
    assert verify_chain(records) == (len(records), None)
    k = data.draw(st.integers(0, len(records) - 1), label="index")
    name = data.draw(st.sampled_from(FIELDS_BY_FORMAT[fmt] + LINK_FIELDS), label="field")
    old = records[k][name]
    new = different(old) if name in LINK_FIELDS else data.draw(json_value | st.just(different(old)), label="value")
    assume(canonical(new) != canonical(old))
    records[k][name] = new

    checked, broken = verify_chain(records)

    assert broken is not None
    assert checked == k + 1
    assert broken.seq == records[k]["seq"]  # the seq as now stored (== k + 1 unless seq itself was hit)
    if name != "seq":
        assert broken.seq == k + 1
    expected = "prev_hash" if name == "prev_hash" else "content"
    if name == "format":  # another number, or a value that is no format at all
        assert "content" in broken.problem or "format" in broken.problem
    else:
        assert expected in broken.problem
    # every record before the tamper still verifies on its own
    assert verify_chain(records[:k]) == (k, None)


@FAST
@given(cs=contents(), data=st.data())
def test_deletion_is_reported_at_the_next_record(cs, data):
    assume(len(cs) >= 2)
    records = chain(cs)
    k = data.draw(st.integers(0, len(records) - 2), label="deleted index")
    del records[k]
    checked, broken = verify_chain(records)
    assert checked == k + 1
    assert broken is not None
    assert broken.seq == k + 2


@FAST
@given(cs=contents(), data=st.data())
def test_swap_is_reported_at_the_first_moved_position(cs, data):
    assume(len(cs) >= 2)
    records = chain(cs)
    i = data.draw(st.integers(0, len(records) - 2), label="i")
    j = data.draw(st.integers(i + 1, len(records) - 1), label="j")
    records[i], records[j] = records[j], records[i]
    checked, broken = verify_chain(records)
    assert checked == i + 1
    assert broken is not None
    assert broken.seq == j + 1


def test_a_record_numbered_out_of_sequence_breaks_the_chain():
    from domain.audit_chain import GENESIS, record_hash, verify_chain

    first = {"format": 2, "seq": 1, "at": "2026-01-01T00:00:00.000000+00:00", "actor_id": 1, "actor": "a", "unit": "hq",
             "action": "x", "object_type": "T", "object_id": 1, "before": None, "after": None, "reason": None,
             "request_id": "r", "prev_hash": GENESIS}  # fmt: skip
    renumbered = {**first, "seq": 0}  # hashed as seq 0: its content matches, its place does not
    renumbered["hash"] = record_hash(renumbered, GENESIS)
    _, broken = verify_chain([renumbered])
    assert broken is not None and "out of sequence" in broken.problem
