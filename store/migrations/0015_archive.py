from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.tasks import TaskStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

ARCHIVE_LINES = [
    ('p', 'planner', 'unit:*', 'task', 'attach_form'),
    ('p', 'inspector', 'unit:*', 'task', 'attach_form'),
    ('p', 'agency_inspector', 'unit:*', 'task', 'attach_form'),
    ('p', 'archivist', 'unit:*', 'task', 'attach_form'),
    ('p', 'planner', 'unit:hq', 'task', 'attach_form'),
    ('p', 'archivist', 'unit:hq', 'task', 'attach_form'),
    ('p', 'archivist', 'unit:*', 'task', 'archive'),
    ('p', 'archivist', 'unit:*', 'task', 'export_archive'),
    ('p', 'archivist', 'unit:hq', 'task', 'export_archive'),
    ('p', 'auditor', 'unit:hq', 'task', 'export_archive'),
    ('p', 'planner', 'unit:*', 'monitoring', 'read'),
    ('p', 'reviewer', 'unit:*', 'monitoring', 'read'),
    ('p', 'decider', 'unit:*', 'monitoring', 'read'),
    ('p', 'archivist', 'unit:*', 'monitoring', 'read'),
    ('p', 'planner', 'unit:hq', 'monitoring', 'read'),
    ('p', 'reviewer', 'unit:hq', 'monitoring', 'read'),
    ('p', 'decider', 'unit:hq', 'monitoring', 'read'),
    ('p', 'archivist', 'unit:hq', 'monitoring', 'read'),
    ('p', 'auditor', 'unit:hq', 'monitoring', 'read'),
    ('p', 'planner', 'unit:*', 'problem', 'file'),
    ('p', 'planner', 'unit:*', 'problem', 'read'),
    ('p', 'reviewer', 'unit:*', 'problem', 'file'),
    ('p', 'reviewer', 'unit:*', 'problem', 'read'),
    ('p', 'decider', 'unit:*', 'problem', 'file'),
    ('p', 'decider', 'unit:*', 'problem', 'read'),
    ('p', 'planner', 'unit:hq', 'problem', 'read'),
    ('p', 'reviewer', 'unit:hq', 'problem', 'read'),
    ('p', 'decider', 'unit:hq', 'problem', 'read'),
    ('p', 'auditor', 'unit:hq', 'problem', 'read'),
    ('p', 'planner', 'unit:hq', 'problem', 'answer'),
    ('p', 'reviewer', 'unit:hq', 'problem', 'answer'),
    ('p', 'decider', 'unit:hq', 'problem', 'answer'),
]


async def add_archive_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, ARCHIVE_LINES)


class Migration(migrations.Migration):
    dependencies = [('models', '0014_results')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PersonDayEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='person_days', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='person_days', on_delete=OnDelete.RESTRICT)),
                ('days', fields.FloatField()),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='person_days_recorded', on_delete=OnDelete.RESTRICT)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'person_day_entry', 'app': 'models', 'unique_together': (('task', 'user'),), 'pk_attr': 'id', 'table_description': '人日数: actual inspection person-days of one inspector on one task.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProblemReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('models.OrgUnit', source_field='unit_id', db_index=True, db_constraint=True, to_field='id', related_name='problem_reports', on_delete=OnDelete.RESTRICT)),
                ('category', fields.CharField(db_index=True, max_length=32)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(unique=False)),
                ('task_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(db_index=True, max_length=16)),
                ('filed_by', fields.ForeignKeyField('models.User', source_field='filed_by_id', db_constraint=True, to_field='id', related_name='problem_reports', on_delete=OnDelete.RESTRICT)),
                ('filed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'problem_report', 'app': 'models', 'pk_attr': 'id', 'table_description': '共性问题: a sub-centre reports a common problem to HQ, and they discuss it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProblemMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('models.ProblemReport', source_field='report_id', db_index=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='problem_messages', on_delete=OnDelete.RESTRICT)),
                ('from_hq', fields.BooleanField()),
                ('text', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'problem_message', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='InspectionResult',
            name='after_archive',
            field=fields.BooleanField(default=False),
        ),
        ops.AlterField(
            model_name='SurveillanceTask',
            name='status',
            field=fields.CharEnumField(db_index=True, description='DRAFT: DRAFT\nISSUED: ISSUED\nTEAM_ASSIGNED: TEAM_ASSIGNED\nIN_PROGRESS: IN_PROGRESS\nRESULTS_SUBMITTED: RESULTS_SUBMITTED\nRETURNED: RETURNED\nREVIEWED: REVIEWED\nDECIDED: DECIDED\nARCHIVED: ARCHIVED\nEXCEPTION: EXCEPTION\nCANCELLED: CANCELLED', enum_type=TaskStatus, max_length=24),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='archived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='planned_person_days',
            field=fields.FloatField(null=True),
        ),
        ops.RunPython(add_archive_policy, ops.RunPython.noop),
    ]
