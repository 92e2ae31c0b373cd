"""Audit integrity: every insert that would replace or upsert an existing record is refused
(SQLite's REPLACE deletes the old row without firing DELETE triggers), and the record format
column (existing rows are format 1, whose hash leaves out actor_id; new rows are format 2)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# An insert that collides with any unique key of an existing record is refused before
# SQLite's conflict resolution (REPLACE, INSERT OR REPLACE) or an upsert can act on it.
_COLLIDES = (
    "EXISTS (SELECT 1 FROM audit_entry WHERE id = NEW.id OR seq = NEW.seq "
    "OR hash = NEW.hash OR prev_hash = NEW.prev_hash)"
)
SQLITE = f"""
CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_entry
WHEN {_COLLIDES}
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS audit_entry_no_replace;"
POSTGRES = f"""
CREATE OR REPLACE FUNCTION audit_entry_insert_only_new() RETURNS trigger AS $$
BEGIN
  IF {_COLLIDES} THEN RAISE EXCEPTION 'audit_entry is append-only'; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_insert_only_new();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS audit_entry_no_replace ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_insert_only_new();
"""


def _script(sqlite: str, postgres: str):
    async def run(apps, schema_editor) -> None:
        client = schema_editor.client
        await client.execute_script(postgres if client.capabilities.dialect == "postgres" else sqlite)

    return run


class Migration(migrations.Migration):
    dependencies = [("models", "0016_restore_sqlite_indexes")]

    operations = [
        ops.AddField(model_name="AuditEntry", name="format", field=fields.SmallIntField(default=1, db_default=1)),
        ops.RunPython(_script(SQLITE, POSTGRES), _script(SQLITE_REVERSE, POSTGRES_REVERSE)),
    ]
