from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.purchases import AssignmentStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

PURCHASE_LINES = [
    ('p', 'planner', 'unit:*', 'task', 'assign_buyer'),
    ('p', 'planner', 'unit:hq', 'task', 'assign_buyer'),
    ('p', 'planner', 'unit:*', 'purchase', 'read'),
    ('p', 'inspector', 'unit:*', 'purchase', 'read'),
    ('p', 'reviewer', 'unit:*', 'purchase', 'read'),
    ('p', 'decider', 'unit:*', 'purchase', 'read'),
    ('p', 'archivist', 'unit:*', 'purchase', 'read'),
    ('p', 'planner', 'unit:hq', 'purchase', 'read'),
    ('p', 'reviewer', 'unit:hq', 'purchase', 'read'),
    ('p', 'decider', 'unit:hq', 'purchase', 'read'),
    ('p', 'archivist', 'unit:hq', 'purchase', 'read'),
    ('p', 'auditor', 'unit:hq', 'purchase', 'read'),
    ('p', 'market_buyer', 'unit:*', 'purchase', 'read_own'),
    ('p', 'market_buyer', 'unit:*', 'purchase', 'record'),
    ('p', 'market_buyer', 'unit:*', 'purchase', 'ship'),
]


async def add_purchase_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, PURCHASE_LINES)


class Migration(migrations.Migration):
    dependencies = [('models', '0012_lab_reports')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='idempotency_records', on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(max_length=100)),
                ('operation', fields.CharField(max_length=64)),
                ('input_hash', fields.CharField(max_length=64)),
                ('result_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_record', 'app': 'models', 'unique_together': (('user', 'key'),), 'pk_attr': 'id', 'table_description': 'A mobile request already applied: (user, key) is unique, so a retried request finds'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurchaseAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='purchase_assignments', on_delete=OnDelete.RESTRICT)),
                ('buyer', fields.ForeignKeyField('models.User', source_field='buyer_id', db_index=True, db_constraint=True, to_field='id', related_name='purchase_assignments', on_delete=OnDelete.RESTRICT)),
                ('assigned_by', fields.ForeignKeyField('models.User', source_field='assigned_by_id', db_constraint=True, to_field='id', related_name='purchases_assigned', on_delete=OnDelete.RESTRICT)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('instructions', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(db_index=True, description='ASSIGNED: ASSIGNED\nCOMPLETED: COMPLETED\nWITHDRAWN: WITHDRAWN', enum_type=AssignmentStatus, max_length=16)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('close_reason', fields.TextField(null=True, unique=False)),
                ('responsible_unit', fields.ForeignKeyField('models.OrgUnit', source_field='responsible_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='purchase_assignments_responsible', on_delete=OnDelete.RESTRICT)),
                ('executing_unit', fields.ForeignKeyField('models.OrgUnit', source_field='executing_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='purchase_assignments_executing', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'purchase_assignment', 'app': 'models', 'pk_attr': 'id', 'table_description': '买样任务分派: one buyer sent to buy for one sampling task.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Purchase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assignment', fields.ForeignKeyField('models.PurchaseAssignment', source_field='assignment_id', db_index=True, db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.RESTRICT)),
                ('buyer', fields.ForeignKeyField('models.User', source_field='buyer_id', db_index=True, db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.RESTRICT)),
                ('shop_name', fields.CharField(max_length=200)),
                ('shop_address', fields.CharField(max_length=500)),
                ('latitude', fields.FloatField()),
                ('longitude', fields.FloatField()),
                ('gps_accuracy_m', fields.FloatField(null=True)),
                ('purchased_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('price_cents', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('receipt_number', fields.CharField(max_length=100)),
            ],
            options={'table': 'purchase', 'app': 'models', 'pk_attr': 'id', 'table_description': '买样记录: where, when and for how much the product was bought, with the receipt.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Document',
            name='purchase',
            field=fields.ForeignKeyField('models.Purchase', source_field='purchase_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Sample',
            name='purchase',
            field=fields.ForeignKeyField('models.Purchase', source_field='purchase_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='samples', on_delete=OnDelete.RESTRICT),
        ),
        ops.RunPython(add_purchase_policy, ops.RunPython.noop),
    ]
