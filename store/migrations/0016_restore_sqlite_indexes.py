"""Restore on SQLite the indexes and the unique constraint that 0014's table rebuilds dropped.

On SQLite, tortoise alters a column by rebuilding the table (create, copy, drop, rename) and
does not recreate the table's indexes: 0014 left `surveillance_task` and `purchase_assignment`
without any, and 0015 rebuilt `surveillance_task` once more. PostgreSQL alters in place and
kept them all. The names are those PostgreSQL has, so later migrations find them on both.
Nothing to do on PostgreSQL; IF NOT EXISTS makes a rerun harmless."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from store.readiness import DatabaseProblem

# (name, table, columns, unique), exactly as on PostgreSQL after 0015.
INDEXES = [
    ("idx_surveillanc_kind_0f0039", "surveillance_task", ("kind",), False),
    ("idx_surveillanc_status_f642a8", "surveillance_task", ("status",), False),
    ("idx_surveillanc_factory_40e4e6", "surveillance_task", ("factory_id",), False),
    ("idx_surveillanc_parent__0e72bc", "surveillance_task", ("parent_id",), False),
    ("idx_surveillanc_respons_83763a", "surveillance_task", ("responsible_unit_id",), False),
    ("idx_surveillanc_executi_9b8124", "surveillance_task", ("executing_unit_id",), False),
    ("idx_surveillanc_enterpr_4f9ff2", "surveillance_task", ("enterprise_unit_id",), False),
    ("idx_surveillanc_year_a16394", "surveillance_task", ("year",), False),
    ("idx_surveillanc_planned_abcd31", "surveillance_task", ("planned_start",), False),
    ("idx_surveillanc_planned_fb80f4", "surveillance_task", ("planned_end",), False),
    ("idx_surveillanc_due_on_796523", "surveillance_task", ("due_on",), False),
    ("uid_surveillanc_factory_d8f7b5", "surveillance_task", ("factory_id", "year", "plan_sequence"), True),
    ("idx_purchase_as_task_id_ea1ea9", "purchase_assignment", ("task_id",), False),
    ("idx_purchase_as_buyer_i_bb4ba5", "purchase_assignment", ("buyer_id",), False),
    ("idx_purchase_as_status_f3223a", "purchase_assignment", ("status",), False),
    ("idx_purchase_as_respons_ddbd0c", "purchase_assignment", ("responsible_unit_id",), False),
    ("idx_purchase_as_executi_b18e7d", "purchase_assignment", ("executing_unit_id",), False),
]


def _quoted(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


async def _refuse_duplicates(client, table: str, columns: tuple[str, ...]) -> None:
    """Between 0014 and this migration nothing on SQLite kept the key unique. Rows that break
    it are not deleted here (which one is right is the operator's call): the migration stops
    and names them. NULLs never collide in a unique index, so they are left out."""
    cols = _quoted(columns)
    not_null = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)
    rows = await client.execute_query_dict(
        f"SELECT {cols}, GROUP_CONCAT(id) AS ids FROM {table} WHERE {not_null} "  # noqa: S608 - constants
        f"GROUP BY {cols} HAVING COUNT(*) > 1 ORDER BY {cols}"
    )
    if rows:
        found = "; ".join(", ".join(f"{c}={row[c]}" for c in columns) + f" (ids {row['ids']})" for row in rows[:20])
        more = f"; and {len(rows) - 20} more" if len(rows) > 20 else ""
        raise DatabaseProblem(
            f"cannot restore the unique key ({', '.join(columns)}) on {table}: {len(rows)} group(s) of rows "
            f"share it: {found}{more}. Decide which row of each group stays (cancel, renumber or remove the "
            f"others by hand), then run `surveil migrate` again. Nothing was changed."
        )


async def restore_indexes(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    for name, table, columns, unique in INDEXES:
        if unique:
            await _refuse_duplicates(client, table, columns)
        kind = "UNIQUE INDEX" if unique else "INDEX"
        await client.execute_query(f'CREATE {kind} IF NOT EXISTS "{name}" ON "{table}" ({_quoted(columns)})')


async def drop_indexes(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    for name, *_ in INDEXES:
        await client.execute_query(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("models", "0015_archive")]

    operations = [
        ops.RunPython(restore_indexes, drop_indexes),
    ]
