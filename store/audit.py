"""The append-only audit trail: write one record (inside the caller's transaction), read."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise import connections

from domain.audit_chain import CURRENT_FORMAT, GENESIS, record_hash
from store.bulk import insert_rows, json_text
from store.models import AuditEntry

COLUMNS = ("seq", "at", "actor_id", "actor", "unit", "action", "object_type", "object_id", "before", "after", "reason",
           "request_id", "prev_hash", "hash", "format")  # fmt: skip
PLANNED_BULK = 200  # records from which PostgreSQL is asked to plan the trigger look-ups afresh


def canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _content(entry: AuditEntry) -> dict:
    return {
        "format": entry.format,
        "seq": entry.seq,
        "at": canonical_time(entry.at),
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "unit": entry.unit,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


async def append(
    *,
    actor_id: int | None,
    actor: str,
    unit: str,
    action: str,
    object_type: str,
    object_id: int | None,
    before: dict | None,
    after: dict | None,
    reason: str | None,
    request_id: str,
) -> AuditEntry:
    """Must run inside store.db.transaction(), which serialises chain writers."""
    last = await AuditEntry.all().order_by("-seq").only("seq", "hash").first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    entry = AuditEntry(
        format=CURRENT_FORMAT,
        seq=seq,
        at=datetime.now(UTC),
        actor_id=actor_id,
        actor=actor,
        unit=unit,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        reason=reason,
        request_id=request_id,
        prev_hash=prev,
        hash="",
    )
    entry.hash = record_hash(_content(entry), prev)
    await entry.save()
    return entry


async def append_many(records: list[dict], *, actor_id: int | None, actor: str, unit: str, request_id: str) -> int:
    """Append many records by one actor in bulk (batched INSERTs of plain values), chained
    exactly as `append` chains one: each carries the next sequence and the previous record's
    hash, computed over the same content. Each record is a dict of action, object_type,
    object_id, before, after and reason. Must run inside store.db.transaction(), which
    serialises chain writers."""
    if not records:
        return 0
    last = await AuditEntry.all().order_by("-seq").only("seq", "hash").first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    at = datetime.now(UTC)
    rows = []
    for record in records:
        seq += 1
        content = {
            "format": CURRENT_FORMAT, "seq": seq, "at": canonical_time(at), "actor_id": actor_id, "actor": actor,
            "unit": unit, "action": str(record["action"]), "object_type": record["object_type"],
            "object_id": record["object_id"], "before": record.get("before"), "after": record.get("after"),
            "reason": record.get("reason"), "request_id": request_id, "prev_hash": prev,
        }  # fmt: skip
        content["hash"] = record_hash(content, prev)
        rows.append(
            (seq, at, actor_id, actor, unit, content["action"], content["object_type"], content["object_id"],
             json_text(AuditEntry, "before", content["before"]), json_text(AuditEntry, "after", content["after"]),
             content["reason"], request_id, prev, content["hash"], CURRENT_FORMAT)
        )  # fmt: skip
        prev = content["hash"]
    conn = connections.get("default")
    postgres = len(rows) >= PLANNED_BULK and conn.capabilities.dialect == "postgres"
    if postgres:
        # The append-only triggers look up the new record's neighbours once per row. PostgreSQL
        # plans those look-ups from the table's statistics: on a young table it scans it, and
        # the plan stays cached while the insert grows the table (seconds become minutes).
        # Fresh statistics (ANALYZE also drops cached plans) and index plans for this insert.
        await conn.execute_script("ANALYZE audit_entry; SET LOCAL enable_seqscan = off")
    await insert_rows(AuditEntry, COLUMNS, rows)
    if postgres:
        await conn.execute_script("SET LOCAL enable_seqscan TO DEFAULT")
    return len(rows)


async def iter_chain(batch: int = 1000):
    """Every record as the dict the hash covers, in sequence order, read in batches."""
    after = None  # every row, whatever its number: a forged seq 0 or below must be seen too
    while True:
        query = AuditEntry.all() if after is None else AuditEntry.filter(seq__gt=after)
        rows = await query.order_by("seq").limit(batch)
        if not rows:
            return
        for row in rows:
            yield _content(row)
        after = rows[-1].seq


async def first_unreadable() -> tuple[int, str, str] | None:
    """(row id, seq as stored, why) of the first row the ORM cannot read, in id order: a row
    edited by hand into text where a number or a date belongs. Slow (a query per row): only
    for naming the culprit once a batch has failed."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict("SELECT id, CAST(seq AS TEXT) AS seq FROM audit_entry ORDER BY id")
    for row in rows:
        try:
            entry = await AuditEntry.get(id=row["id"])
            _content(entry)
        except Exception as exc:  # whatever the driver or the ORM raises for the bad value
            return row["id"], row["seq"], f"{type(exc).__name__}: {str(exc)[:120]}"
        if not isinstance(entry.seq, int):  # SQLite keeps text in an integer column
            return row["id"], row["seq"], "its seq is not a number"
    return None


def as_record(entry: AuditEntry) -> dict:
    """The entry as the dict its hash covers, with both hashes: enough to check it elsewhere."""
    return _content(entry)
