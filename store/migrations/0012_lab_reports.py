from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

REPORT_LINES = [('p', 'lab_tester', 'unit:*', 'sample', 'report')]


async def add_report_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, REPORT_LINES)

class Migration(migrations.Migration):
    dependencies = [('models', '0011_samples')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LabReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sample', fields.OneToOneField('models.Sample', source_field='sample_id', db_constraint=True, to_field='id', related_name='report', on_delete=OnDelete.RESTRICT)),
                ('items', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('passed', fields.BooleanField()),
                ('marking_nonconformity', fields.BooleanField(default=False)),
                ('document', fields.ForeignKeyField('models.Document', source_field='document_id', null=True, db_constraint=True, to_field='id', related_name='lab_reports', on_delete=OnDelete.RESTRICT)),
                ('reported_by', fields.ForeignKeyField('models.User', source_field='reported_by_id', db_index=True, db_constraint=True, to_field='id', related_name='lab_reports', on_delete=OnDelete.RESTRICT)),
                ('reported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lab_report', 'app': 'models', 'pk_attr': 'id', 'table_description': '监督抽样检测报告: per-item results, the conclusion, and a marking (标志) finding.'},
            bases=['Model'],
        ),
        ops.RunPython(add_report_policy, ops.RunPython.noop),
    ]
