from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.custody import SampleStatus
from domain.tasks import SamplingMethod, SamplingSite
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

SAMPLE_LINES = [('p', 'planner', 'unit:*', 'sample', 'read'), ('p', 'inspector', 'unit:*', 'sample', 'read'), ('p', 'inspector', 'unit:*', 'sample', 'record'), ('p', 'inspector', 'unit:*', 'sample', 'ship'), ('p', 'reviewer', 'unit:*', 'sample', 'read'), ('p', 'decider', 'unit:*', 'sample', 'read'), ('p', 'archivist', 'unit:*', 'sample', 'read'), ('p', 'planner', 'unit:hq', 'sample', 'read'), ('p', 'reviewer', 'unit:hq', 'sample', 'read'), ('p', 'decider', 'unit:hq', 'sample', 'read'), ('p', 'archivist', 'unit:hq', 'sample', 'read'), ('p', 'auditor', 'unit:hq', 'sample', 'read'), ('p', 'agency_inspector', 'unit:*', 'sample', 'read'), ('p', 'agency_inspector', 'unit:*', 'sample', 'record'), ('p', 'agency_inspector', 'unit:*', 'sample', 'ship'), ('p', 'lab_tester', 'unit:*', 'sample', 'read'), ('p', 'lab_tester', 'unit:*', 'sample', 'receive'), ('p', 'lab_tester', 'unit:*', 'sample', 'test')]


async def add_sample_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, SAMPLE_LINES)

class Migration(migrations.Migration):
    dependencies = [('models', '0010_task_flags')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Sample',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='samples', on_delete=OnDelete.RESTRICT)),
                ('identifier', fields.CharField(unique=True, max_length=64)),
                ('seal_number', fields.CharField(max_length=64)),
                ('quantity', fields.IntField()),
                ('place', fields.CharField(max_length=300)),
                ('taken_by', fields.ForeignKeyField('models.User', source_field='taken_by_id', db_index=True, db_constraint=True, to_field='id', related_name='samples_taken', on_delete=OnDelete.RESTRICT)),
                ('taken_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(db_index=True, description='SEALED: SEALED\nSHIPPED: SHIPPED\nRECEIVED: RECEIVED\nTESTING: TESTING\nREPORTED: REPORTED', enum_type=SampleStatus, max_length=16)),
                ('responsible_unit', fields.ForeignKeyField('models.OrgUnit', source_field='responsible_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='samples_responsible', on_delete=OnDelete.RESTRICT)),
                ('executing_unit', fields.ForeignKeyField('models.OrgUnit', source_field='executing_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='samples_executing', on_delete=OnDelete.RESTRICT)),
                ('lab', fields.ForeignKeyField('models.OrgUnit', source_field='lab_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='samples_at_lab', on_delete=OnDelete.RESTRICT)),
                ('carrier', fields.CharField(null=True, max_length=100)),
                ('tracking_number', fields.CharField(null=True, max_length=100)),
                ('shipped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('condition_on_arrival', fields.TextField(null=True, unique=False)),
                ('testing_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'sample', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='lab',
            field=fields.ForeignKeyField('models.OrgUnit', source_field='lab_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='tasks_tested', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='sample_category',
            field=fields.ForeignKeyField('models.ProductCategory', source_field='sample_category_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='sampling_tasks', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='sample_quantity',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='sampling_method',
            field=fields.CharEnumField(null=True, description='SAMPLING: SAMPLING\nPURCHASE: PURCHASE', enum_type=SamplingMethod, max_length=16),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='sampling_site',
            field=fields.CharEnumField(null=True, description='FACTORY: FACTORY\nMARKET: MARKET\nUSAGE_SITE: USAGE_SITE', enum_type=SamplingSite, max_length=16),
        ),
        ops.RunPython(add_sample_policy, ops.RunPython.noop),
    ]
