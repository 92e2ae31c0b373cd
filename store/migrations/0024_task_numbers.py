"""任务编号: every task gets its human-readable number (EAST-2026-0042; domain/task_numbers.py).

1. `surveillance_task.number`, nullable at first, and the counters (`task_number_counter`).
2. Existing tasks are numbered deterministically, as the code numbers new ones: top-level tasks
   per (responsible unit's code upper-case, year) in id order (its current responsible unit: a
   moved factory's tasks are numbered where they are now), sub-tasks like any task (never their
   parent's number with a suffix: domain/task_numbers.py says why). The counters start after the
   highest sequence given.
3. Then the number is required and unique:
   - unique on both databases, by an index of the name tortoise gives a unique field;
   - NOT NULL on PostgreSQL (ALTER COLUMN ... SET NOT NULL, in place);
   - on SQLite, making a column NOT NULL needs a table rebuild, and tortoise's rebuild drops the
     table's indexes and unique key (0014 did, 0016 repaired it). Two triggers refuse a NULL
     number instead, with SQLite's own message. A later rebuild of the table by tortoise would
     create the column NOT NULL from the models (and need its indexes restored, like 0016).
   The migration state then holds the field as the models declare it (the database already is).

The format is frozen here (a migration never changes with the code)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

UNIQUE_NAME = "uid_surveillanc_number_2e49ae"  # tortoise's "uid" name for (surveillance_task, number)
BATCH = 5000
UPDATE = "UPDATE surveillance_task SET number = ? WHERE id = ?"
INSERT = "INSERT INTO task_number_counter (unit_code, year, last_sequence) VALUES (?, ?, ?)"
NOT_NULL = "NOT NULL constraint failed: surveillance_task.number"
SQLITE_GUARDS = {
    "surveillance_task_number_on_insert": "BEFORE INSERT ON surveillance_task",
    "surveillance_task_number_on_update": "BEFORE UPDATE OF number ON surveillance_task",
}


def _number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:04d}"


def numbered(rows) -> tuple[dict[int, str], dict[tuple[str, int], int]]:
    """Numbers by task id and the last sequence per (prefix, year), from (id, parent id, year,
    unit code) rows: every task, sub-tasks included, in id order within its (unit, year)."""
    numbers: dict[int, str] = {}
    last: dict[tuple[str, int], int] = {}
    for task_id, _parent_id, year, code in sorted(rows):
        key = (code.strip().upper(), year)
        last[key] = last.get(key, 0) + 1
        numbers[task_id] = _number(*key, last[key])
    return numbers, last


async def number_tasks(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    rows = await client.execute_query_dict(
        "SELECT t.id AS id, t.parent_id AS parent_id, t.year AS year, u.code AS code "
        "FROM surveillance_task t JOIN org_unit u ON u.id = t.responsible_unit_id"
    )
    numbers, last = numbered([(r["id"], r["parent_id"], r["year"], r["code"]) for r in rows])
    update = UPDATE.replace("?", "$1", 1).replace("?", "$2", 1) if postgres else UPDATE
    values = [[number, task_id] for task_id, number in sorted(numbers.items())]
    for start in range(0, len(values), BATCH):
        await client.execute_many(update, values[start : start + BATCH])
    if last:
        insert = INSERT.replace("?, ?, ?", "$1, $2, $3") if postgres else INSERT
        await client.execute_many(insert, [[prefix, year, n] for (prefix, year), n in sorted(last.items())])
    if postgres:
        await client.execute_query(f'ALTER TABLE surveillance_task ADD CONSTRAINT "{UNIQUE_NAME}" UNIQUE ("number")')
        await client.execute_query('ALTER TABLE surveillance_task ALTER COLUMN "number" SET NOT NULL')
        return
    await client.execute_query(f'CREATE UNIQUE INDEX "{UNIQUE_NAME}" ON "surveillance_task" ("number")')
    for name, when in SQLITE_GUARDS.items():
        await client.execute_query(
            f'CREATE TRIGGER "{name}" {when} FOR EACH ROW WHEN NEW.number IS NULL '
            f"BEGIN SELECT RAISE(ABORT, '{NOT_NULL}'); END"
        )


async def unnumber_tasks(apps, schema_editor) -> None:
    """Back to nullable, without the key (the field and the counters go with the steps before)."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_query('ALTER TABLE surveillance_task ALTER COLUMN "number" DROP NOT NULL')
        await client.execute_query(f'ALTER TABLE surveillance_task DROP CONSTRAINT IF EXISTS "{UNIQUE_NAME}"')
        return
    for name in SQLITE_GUARDS:
        await client.execute_query(f'DROP TRIGGER IF EXISTS "{name}"')
    await client.execute_query(f'DROP INDEX IF EXISTS "{UNIQUE_NAME}"')


class DeclareField(ops.AlterField):
    """Only the migration state changes: the step before already changed the database."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [("models", "0023_registry_admin")]

    operations = [
        ops.CreateModel(
            name="TaskNumberCounter",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("unit_code", fields.CharField(max_length=32)),
                ("year", fields.IntField()),
                ("last_sequence", fields.IntField()),
            ],
            options={
                "table": "task_number_counter",
                "app": "models",
                "unique_together": (("unit_code", "year"),),
                "pk_attr": "id",
                "table_description": "The last sequence number given to a top-level task, per (number prefix, year).",
            },
            bases=["Model"],
        ),
        ops.AddField(model_name="SurveillanceTask", name="number", field=fields.CharField(max_length=64, null=True)),
        ops.RunPython(number_tasks, unnumber_tasks),
        DeclareField(model_name="SurveillanceTask", name="number", field=fields.CharField(max_length=64, unique=True)),
    ]
