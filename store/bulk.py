"""Batched INSERTs of plain values, for bulk imports: no model object per row (building one
costs tens of microseconds, more than the insert itself), one statement per batch through the
driver's executemany, inside the current transaction.

Values are what the drivers take: str, int, None, date and datetime (tortoise registers SQLite's
adapters for them), enum members of str enums, JSON columns as text (`json_text`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise.connection import get_connection
from tortoise.models import Model

BATCH = 500


def json_text(model: type[Model], field: str, value) -> str | None:
    """A JSON column's value, encoded as the model's field encodes it."""
    return None if value is None else model._meta.fields_map[field].encoder(value)


async def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence], batch: int = BATCH) -> int:
    """Insert `rows` (tuples in the order of `columns`, database column names) into the model's
    table; returns how many."""
    conn = get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, len(columns) + 1))
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})'  # noqa: S608 (names from the model)
    done, chunk = 0, []
    for row in rows:
        chunk.append(list(row))
        if len(chunk) == batch:
            await conn.execute_many(sql, chunk)
            done, chunk = done + len(chunk), []
    if chunk:
        await conn.execute_many(sql, chunk)
        done += len(chunk)
    return done
