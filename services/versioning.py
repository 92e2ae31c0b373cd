"""Optimistic concurrency shared by every versioned row (tasks, samples, assignments,
disputes): the caller's expectedVersion must match, and the write only lands if nobody
changed the row since it was read."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode
from domain.errors import noun as term_for


def check_version(row, expected: int, noun: str) -> None:
    if row.version != expected:
        raise DomainError(
            ErrorCode.STALE_VERSION,
            "the {noun} changed meanwhile (version {version}, you sent {expected}); reload and retry",
            ("expectedVersion",),
            noun=term_for(noun),
            version=row.version,
            expected=expected,
        )


async def save_versioned(row, noun: str, **updates) -> None:
    """Write `updates` and bump the version, only if the row is still the one read."""
    matched = await type(row).filter(id=row.id, version=row.version).update(**updates, version=row.version + 1)
    if not matched:
        raise DomainError(
            ErrorCode.STALE_VERSION,
            "the {noun} changed meanwhile; reload and retry",
            ("expectedVersion",),
            noun=term_for(noun),
        )
    await row.refresh_from_db()
