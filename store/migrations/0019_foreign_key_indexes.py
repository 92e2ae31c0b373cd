"""Create the indexes of four foreign keys that the models declare (db_index=True) and that no
database had: tortoise's AddField of a foreign key adds the column and its constraint but not
its index, on SQLite and on PostgreSQL alike (0011 added surveillance_task's lab and sample
category, 0013 document's and sample's purchase).

The names are those tortoise gives a field index ("idx_", table, column, hash of both), as for
every other index, so both backends have the same names. IF NOT EXISTS makes a rerun harmless.
The migration state already has these fields with db_index, so only the databases change."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# (name, table, column)
INDEXES = [
    ("idx_document_purchas_6bcc43", "document", "purchase_id"),
    ("idx_sample_purchas_7f7721", "sample", "purchase_id"),
    ("idx_surveillanc_lab_id_305778", "surveillance_task", "lab_id"),
    ("idx_surveillanc_sample__06bbdb", "surveillance_task", "sample_category_id"),
]


async def create_indexes(apps, schema_editor) -> None:
    for name, table, column in INDEXES:
        await schema_editor.client.execute_query(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


async def drop_indexes(apps, schema_editor) -> None:
    for name, *_ in INDEXES:
        await schema_editor.client.execute_query(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("models", "0018_certificate_expiry")]

    operations = [
        ops.RunPython(create_indexes, drop_indexes),
    ]
