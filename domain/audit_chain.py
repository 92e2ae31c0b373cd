"""Tamper evidence for the audit trail: each record carries the hash of the previous one.

The hash covers a canonical JSON form of the record's content and the previous hash, so
changing, removing or reordering any record breaks every later link. Which columns count as
content is versioned by the record's `format`: format 1 (records written before it existed)
covers the fields below; format 2 covers every column that carries meaning, the format
included. Old chains keep verifying with the field set they were hashed with.

The chain alone cannot see its newest records removed, nor a rewrite whose author recomputed
every later hash: whoever holds the database can do both. Checkpoints close that gap: the
head's sequence and hash, signed with a key the database does not hold and kept elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "unit",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "reason",
    "request_id",
)
CURRENT_FORMAT = 2
FIELDS_BY_FORMAT = {1: HASHED_FIELDS, 2: (*HASHED_FIELDS, "actor_id", "format")}


def record_format(record: Mapping):
    """A record without a format was written before formats existed: format 1."""
    value = record.get("format")
    return 1 if value is None else value


def _hashed_fields(record: Mapping) -> tuple[str, ...] | None:
    fmt = record_format(record)
    return FIELDS_BY_FORMAT.get(fmt) if type(fmt) is int else None


def record_hash(record: Mapping, prev_hash: str) -> str:
    """The record's hash; "" (which matches no stored hash) for a format this code does not
    know, so that checking a record from elsewhere reports it instead of failing."""
    names = _hashed_fields(record)
    if names is None:
        return ""
    content = {name: record.get(name) for name in names}
    canonical = json.dumps({"prev": prev_hash, "record": content}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    problem: str


def verify_chain(records: Iterable[Mapping]) -> tuple[int, BrokenLink | None]:
    """Walk records in sequence order; return (records checked, first broken link or None)."""
    prev = GENESIS
    newest_format = 1
    count = 0
    for record in records:
        count += 1
        fmt = record_format(record)
        if record["prev_hash"] != prev:
            return count, BrokenLink(record["seq"], "prev_hash does not match the previous record")
        if _hashed_fields(record) is None:
            return count, BrokenLink(record["seq"], f"unknown record format {fmt!r}")
        if record_hash(record, prev) != record["hash"]:
            return count, BrokenLink(record["seq"], "content does not match its hash")
        if fmt < newest_format:
            # Formats only move forward: an older format after a newer one is a record
            # re-hashed under the weaker field set to hide a change of what it leaves out.
            return count, BrokenLink(record["seq"], f"record format {fmt} after format {newest_format}")
        if record["seq"] != count:  # numbered 1, 2, 3...: nothing slipped in before, between or after
            return count, BrokenLink(
                record["seq"], f"out of sequence: record {count} of the table has seq {record['seq']}"
            )
        newest_format = fmt
        prev = record["hash"]
    return count, None


# --- checkpoints ---------------------------------------------------------------------------

CHECKPOINT_FORMAT = "surveil-audit-checkpoint/1"
_SIGNED = ("format", "seq", "hash", "createdAt")


def _mac(fields: Mapping, key: bytes) -> str:
    canonical = json.dumps({k: fields.get(k) for k in _SIGNED}, sort_keys=True, ensure_ascii=False)
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_checkpoint(*, seq: int, head_hash: str, created_at: str, key: bytes) -> dict:
    """The head of a chain (seq 0 and GENESIS for an empty one), HMAC-SHA256 signed."""
    checkpoint = {"format": CHECKPOINT_FORMAT, "seq": seq, "hash": head_hash, "createdAt": created_at}
    checkpoint["hmac"] = _mac(checkpoint, key)
    return checkpoint


def checkpoint_problem(checkpoint, key: bytes) -> str | None:
    """Why this checkpoint cannot be trusted (malformed, or not signed with this key), or None."""
    if not isinstance(checkpoint, Mapping) or checkpoint.get("format") != CHECKPOINT_FORMAT:
        return f"not a {CHECKPOINT_FORMAT} file"
    seq, head, mac = checkpoint.get("seq"), checkpoint.get("hash"), checkpoint.get("hmac")
    if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0 and isinstance(head, str)):
        return "the checkpoint lacks its sequence or hash"
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(checkpoint, key)):
        return "its signature does not match: edited, forged, or signed with another key"
    return None


def compare_with_checkpoint(checkpoint: Mapping, head_seq: int, hash_at_seq: str | None) -> tuple[str, str] | None:
    """(kind, explanation) when the chain does not contain the checkpointed head, or None.

    head_seq is the chain's newest sequence (0 when empty); hash_at_seq is the stored hash
    of the record bearing the checkpoint's sequence (GENESIS for sequence 0)."""
    seq, expected = checkpoint["seq"], checkpoint["hash"]
    if seq == 0:
        hash_at_seq = GENESIS
    if head_seq < seq:
        return "TRUNCATED", f"the chain ends at seq {head_seq}, before the checkpoint's seq {seq}"
    if hash_at_seq is None:
        return "REWRITTEN", f"no record has the checkpoint's seq {seq}"
    if not hmac.compare_digest(hash_at_seq, expected):
        return "REWRITTEN", f"the record at seq {seq} is not the one checkpointed (its hash differs)"
    return None
