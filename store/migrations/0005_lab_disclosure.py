from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

LAB_REQUEST_LINES = [("p", "enterprise", "unit:*", "task", "request_lab")]


async def add_lab_request_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, LAB_REQUEST_LINES)

class Migration(migrations.Migration):
    dependencies = [('models', '0004_task_policy')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LabRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='lab_requests', on_delete=OnDelete.RESTRICT)),
                ('requested_by', fields.ForeignKeyField('models.User', source_field='requested_by_id', db_index=True, db_constraint=True, to_field='id', related_name='lab_requests', on_delete=OnDelete.RESTRICT)),
                ('preferred_lab', fields.ForeignKeyField('models.OrgUnit', source_field='preferred_lab_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='lab_requests', on_delete=OnDelete.RESTRICT)),
                ('text', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('accepted', fields.BooleanField(null=True)),
                ('decision_reason', fields.TextField(null=True, unique=False)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='lab_decisions', on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lab_request', 'app': 'models', 'pk_attr': 'id', 'table_description': "An enterprise's request about which lab tests its samples (§4.1), and the decision."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='disclosed_labs',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.RunPython(add_lab_request_policy, ops.RunPython.noop),
    ]
