"""Audit chains built in memory for the chain and format tests: records linked the way the
store writes them, their contents in both formats, and a value that differs from another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.audit_chain import GENESIS, record_hash

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def chain(contents: list[dict]) -> list[dict]:
    """Records linked the way the store writes them: prev_hash, then hash of content + prev."""
    records, prev = [], GENESIS
    for content in contents:
        record = dict(content)
        record["prev_hash"] = prev
        record["hash"] = prev = record_hash(record, prev)
        records.append(record)
    return records


def content(seq: int, **overrides) -> dict:
    base = {
        "seq": seq,
        "at": (T0 + timedelta(minutes=seq)).isoformat(),
        "actor": 7,
        "unit": "east",
        "action": "factory.correct",
        "object_type": "factory",
        "object_id": f"F{seq:03d}",
        "before": {"name": f"old {seq}"},
        "after": {"name": f"new {seq}"},
        "reason": f"surveillance finding {seq}",
        "request_id": f"req-{seq}",
    }
    base.update(overrides)
    return base


def content_v2(seq: int, **overrides) -> dict:
    return content(seq, **{"format": 2, "actor_id": 40 + seq, **overrides})


def sample(n: int = 6, fmt: int = 1) -> list[dict]:
    make = content_v2 if fmt == 2 else content
    return chain([make(seq) for seq in range(1, n + 1)])


def different(old):
    """A value whose canonical JSON differs from old's."""
    if isinstance(old, bool) or old is None:
        return "tampered"
    if isinstance(old, int):
        return old + 1000
    if isinstance(old, dict):
        return {**old, "tampered": True}
    if isinstance(old, str) and len(old) == 64 and set(old) <= set("0123456789abcdef"):
        return ("f" if old[0] != "f" else "e") + old[1:]
    return f"{old}!"
