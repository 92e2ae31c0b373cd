"""Task number sequences: one counter row per (number prefix, year) in task_number_counter.

Allocation is one statement, an upsert that returns the new value:

    INSERT ... VALUES (prefix, year, n) ON CONFLICT (unit_code, year) DO UPDATE SET last_sequence = last_sequence + n
    RETURNING last_sequence

It runs inside the creating command's transaction, so the counter and the task commit or
roll back together (a refused command leaves no gap). Concurrent creators cannot get the
same number:
- PostgreSQL: the upsert locks the counter row (or, on first use, the unique index entry of
  the row being inserted) until the transaction ends; a second planner's upsert waits for it,
  then adds to the committed value (READ COMMITTED re-reads the row on conflict). This holds
  without store.db's advisory lock on the audit chain, which serialises commands today anyway.
- SQLite: one writer at a time; the statement is atomic (RETURNING needs SQLite 3.35, 2021).
The unique index on surveillance_task.number is the last line of defence.

(A MAX(number)+1 read would race under READ COMMITTED; a sequence object per unit and year
would not roll back with the task and cannot be created on SQLite.)"""

from __future__ import annotations

from tortoise import connections

_UPSERT = (
    "INSERT INTO task_number_counter (unit_code, year, last_sequence) VALUES ({p1}, {p2}, {p3}) "
    "ON CONFLICT (unit_code, year) DO UPDATE SET last_sequence = task_number_counter.last_sequence + {p3} "
    "RETURNING last_sequence"
)
SQLITE_UPSERT = _UPSERT.format(p1="?", p2="?", p3="?")
# The third value appears twice: PostgreSQL numbers its placeholders, SQLite binds in order.
POSTGRES_UPSERT = _UPSERT.format(p1="$1", p2="$2", p3="$3")


async def take(prefix: str, year: int, count: int = 1) -> range:
    """`count` consecutive sequence numbers for (prefix, year), the next ones not yet given.
    Must run inside the creating command's transaction."""
    if count < 1:
        raise ValueError("take at least one number")
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(POSTGRES_UPSERT, [prefix, year, count])
    else:
        rows = await conn.execute_query_dict(SQLITE_UPSERT, [prefix, year, count, count])
    last = rows[0]["last_sequence"]
    return range(last - count + 1, last + 1)
