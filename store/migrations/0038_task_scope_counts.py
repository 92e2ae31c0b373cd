"""Task counts that scale (issue 17, H): `task_scope_count` holds how many tasks have each
(responsible, executing, enterprise) unit triple, kept by triggers on surveillance_task in the
writing transaction. A scoped `totalCount` of the unfiltered task list then sums the few
triples that the scope's `responsible IN … OR executing IN … OR enterprise IN …` matches,
instead of counting every visible task: at 1M tasks the OR served by no index cost 5.7× the
10k figure. The sum is exact and equals the filter's count, as a task matches the scope
exactly when its triple does (tests/store/test_task_scope_counts.py compares them).

Enterprise 0 stands for none: UNIQUE treats NULLs as distinct, so an upsert on a NULL could
not find its row. Triggers, not application code, so that every write path (ORM, bulk loads,
imports, raw SQL) keeps the counts. A SQLite table rebuild drops a table's triggers: a
migration that rebuilds surveillance_task must create them again (the test above fails if not).
The price: on PostgreSQL two transactions writing tasks of the same triple wait for each
other on its counter row until the first commits (task writes are a planner's pace, not bulk)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from store.migration_helpers import per_dialect

TRIPLE = "responsible_unit_id, executing_unit_id, enterprise_unit_id"
BACKFILL = f"""
INSERT INTO task_scope_count ({TRIPLE}, tasks)
SELECT responsible_unit_id, executing_unit_id, coalesce(enterprise_unit_id, 0), COUNT(*)
FROM surveillance_task GROUP BY responsible_unit_id, executing_unit_id, coalesce(enterprise_unit_id, 0);
"""  # noqa: S608 - constants


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO task_scope_count ({TRIPLE}, tasks) VALUES ({row}.responsible_unit_id, "  # noqa: S608 - constants
        f"{row}.executing_unit_id, coalesce({row}.enterprise_unit_id, 0), 1) "
        f"ON CONFLICT ({TRIPLE}) DO UPDATE SET tasks = tasks + 1;"
    )


def _sqlite_remove(row: str) -> str:
    return (
        f"UPDATE task_scope_count SET tasks = tasks - 1 WHERE responsible_unit_id = {row}.responsible_unit_id "  # noqa: S608
        f"AND executing_unit_id = {row}.executing_unit_id "
        f"AND enterprise_unit_id = coalesce({row}.enterprise_unit_id, 0);"
    )


CHANGED = (
    "OLD.responsible_unit_id IS NOT NEW.responsible_unit_id OR OLD.executing_unit_id IS NOT NEW.executing_unit_id "
    "OR OLD.enterprise_unit_id IS NOT NEW.enterprise_unit_id"
)

SQLITE = f"""
CREATE TRIGGER "task_scope_count_insert" AFTER INSERT ON "surveillance_task" BEGIN {_sqlite_add("NEW")} END;
CREATE TRIGGER "task_scope_count_delete" AFTER DELETE ON "surveillance_task" BEGIN {_sqlite_remove("OLD")} END;
CREATE TRIGGER "task_scope_count_update" AFTER UPDATE OF {TRIPLE} ON "surveillance_task"
WHEN {CHANGED} BEGIN {_sqlite_remove("OLD")} {_sqlite_add("NEW")} END;
{BACKFILL}
"""

POSTGRES = f"""
CREATE FUNCTION task_scope_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE task_scope_count SET tasks = tasks - 1
        WHERE responsible_unit_id = OLD.responsible_unit_id AND executing_unit_id = OLD.executing_unit_id
          AND enterprise_unit_id = coalesce(OLD.enterprise_unit_id, 0);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO task_scope_count ({TRIPLE}, tasks)
        VALUES (NEW.responsible_unit_id, NEW.executing_unit_id, coalesce(NEW.enterprise_unit_id, 0), 1)
        ON CONFLICT ({TRIPLE}) DO UPDATE SET tasks = task_scope_count.tasks + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION task_scope_count_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM task_scope_count;
    RETURN NULL;
END $$;
CREATE TRIGGER "task_scope_count_insert_delete" AFTER INSERT OR DELETE ON "surveillance_task"
    FOR EACH ROW EXECUTE FUNCTION task_scope_count_apply();
CREATE TRIGGER "task_scope_count_update" AFTER UPDATE OF {TRIPLE} ON "surveillance_task"
    FOR EACH ROW WHEN ({CHANGED.replace("IS NOT", "IS DISTINCT FROM")}) EXECUTE FUNCTION task_scope_count_apply();
CREATE TRIGGER "task_scope_count_truncate" AFTER TRUNCATE ON "surveillance_task"
    FOR EACH STATEMENT EXECUTE FUNCTION task_scope_count_clear();
{BACKFILL}
"""  # noqa: S608 - constants

SQLITE_BACK = """
DROP TRIGGER IF EXISTS "task_scope_count_insert";
DROP TRIGGER IF EXISTS "task_scope_count_delete";
DROP TRIGGER IF EXISTS "task_scope_count_update";
"""

POSTGRES_BACK = """
DROP TRIGGER IF EXISTS "task_scope_count_insert_delete" ON "surveillance_task";
DROP TRIGGER IF EXISTS "task_scope_count_update" ON "surveillance_task";
DROP TRIGGER IF EXISTS "task_scope_count_truncate" ON "surveillance_task";
DROP FUNCTION IF EXISTS task_scope_count_apply();
DROP FUNCTION IF EXISTS task_scope_count_clear();
"""


class Migration(migrations.Migration):
    dependencies = [("models", "0037_notice_routes_per_unit")]

    initial = False

    operations = [
        ops.CreateModel(
            name="TaskScopeCount",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("responsible_unit_id", fields.IntField()),
                ("executing_unit_id", fields.IntField()),
                ("enterprise_unit_id", fields.IntField()),
                ("tasks", fields.IntField()),
            ],
            options={
                "table": "task_scope_count",
                "app": "models",
                "unique_together": (("responsible_unit_id", "executing_unit_id", "enterprise_unit_id"),),
                "pk_attr": "id",
                "table_description": "Tasks per scope-unit triple, kept by triggers on surveillance_task.",
            },
            bases=["Model"],
        ),
        ops.RunPython(per_dialect(SQLITE, POSTGRES), per_dialect(SQLITE_BACK, POSTGRES_BACK)),
    ]
