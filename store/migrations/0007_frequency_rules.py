from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The defaults of docs/domain.md, Numbers and defaults at the time this table arrived; HQ edits them afterwards.
DEFAULTS = [("A", 24, False, False), ("B", 12, False, True), ("C", 12, True, True), ("D", 6, True, True)]


async def insert_defaults(apps, schema_editor) -> None:
    client = schema_editor.client
    mark = "$1, $2, $3, $4" if client.capabilities.dialect == "postgres" else "?, ?, ?, ?"
    for row in DEFAULTS:
        await client.execute_query(
            "INSERT INTO frequency_rule (classification, interval_months, unannounced, sampling, version, updated_at) "
            f"VALUES ({mark}, 1, CURRENT_TIMESTAMP)",
            list(row),
        )

class Migration(migrations.Migration):
    dependencies = [('models', '0006_reference_data')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FrequencyRuleRow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('classification', fields.CharField(unique=True, max_length=1)),
                ('interval_months', fields.IntField()),
                ('unannounced', fields.BooleanField()),
                ('sampling', fields.BooleanField()),
                ('version', fields.IntField(default=1)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'frequency_rule', 'app': 'models', 'pk_attr': 'id', 'table_description': '监督频次: one row per enterprise class — configuration HQ edits, not code.'},
            bases=['Model'],
        ),
        ops.RunPython(insert_defaults, ops.RunPython.noop),
    ]
