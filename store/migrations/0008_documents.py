from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

MATERIAL_LINES = [("p", "planner", "unit:*", "task", "attach"), ("p", "planner", "unit:hq", "task", "attach")]


async def add_material_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, MATERIAL_LINES)

class Migration(migrations.Migration):
    dependencies = [('models', '0007_frequency_rules')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Document',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('purpose', fields.CharField(db_index=True, max_length=32)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('size', fields.IntField()),
                ('content_type', fields.CharField(max_length=100)),
                ('filename', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('uploaded_by', fields.ForeignKeyField('models.User', source_field='uploaded_by_id', db_index=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'document', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_material_policy, ops.RunPython.noop),
    ]
