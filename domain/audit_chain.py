"""Tamper evidence for the audit trail: each record carries the hash of the previous one.

The hash covers a canonical JSON form of the record's content and the previous hash, so
changing, removing or reordering any record breaks every later link.
"""

from __future__ import annotations

import hashlib
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


def record_hash(record: Mapping, prev_hash: str) -> str:
    content = {name: record.get(name) for name in HASHED_FIELDS}
    canonical = json.dumps({"prev": prev_hash, "record": content}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    problem: str


def verify_chain(records: Iterable[Mapping]) -> tuple[int, BrokenLink | None]:
    """Walk records in sequence order; return (records checked, first broken link or None)."""
    prev = GENESIS
    count = 0
    for record in records:
        count += 1
        if record["prev_hash"] != prev:
            return count, BrokenLink(record["seq"], "prev_hash does not match the previous record")
        if record_hash(record, prev) != record["hash"]:
            return count, BrokenLink(record["seq"], "content does not match its hash")
        prev = record["hash"]
    return count, None
