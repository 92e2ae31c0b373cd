from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.tasks import ExceptionHandling, ExceptionReason, SpecialTrigger, TaskKind, TaskStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_audit_append_only')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SurveillanceTask',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(db_index=True, description='ROUTINE_NOTIFIED: ROUTINE_NOTIFIED\nROUTINE_UNANNOUNCED: ROUTINE_UNANNOUNCED\nSPECIAL: SPECIAL\nRESTORATION: RESTORATION\nRELOCATION: RELOCATION\nSAMPLING: SAMPLING', enum_type=TaskKind, max_length=24)),
                ('status', fields.CharEnumField(db_index=True, description='DRAFT: DRAFT\nISSUED: ISSUED\nTEAM_ASSIGNED: TEAM_ASSIGNED\nIN_PROGRESS: IN_PROGRESS\nRESULTS_SUBMITTED: RESULTS_SUBMITTED\nEXCEPTION: EXCEPTION\nCANCELLED: CANCELLED', enum_type=TaskStatus, max_length=24)),
                ('factory', fields.ForeignKeyField('models.Factory', source_field='factory_id', db_index=True, db_constraint=True, to_field='id', related_name='tasks', on_delete=OnDelete.RESTRICT)),
                ('parent', fields.ForeignKeyField('models.SurveillanceTask', source_field='parent_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('responsible_unit', fields.ForeignKeyField('models.OrgUnit', source_field='responsible_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='tasks_responsible', on_delete=OnDelete.RESTRICT)),
                ('executing_unit', fields.ForeignKeyField('models.OrgUnit', source_field='executing_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='tasks_executing', on_delete=OnDelete.RESTRICT)),
                ('enterprise_unit', fields.ForeignKeyField('models.OrgUnit', source_field='enterprise_unit_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='tasks_notified', on_delete=OnDelete.RESTRICT)),
                ('year', fields.IntField(db_index=True)),
                ('plan_sequence', fields.IntField(null=True)),
                ('planned_start', fields.DateField(null=True, db_index=True)),
                ('planned_end', fields.DateField(null=True, db_index=True)),
                ('due_on', fields.DateField(db_index=True)),
                ('special_trigger', fields.CharEnumField(null=True, description='SPOT_CHECK_FAILURE: SPOT_CHECK_FAILURE\nCOMPLAINT: COMPLAINT\nMEDIA_REPORT: MEDIA_REPORT\nOTHER: OTHER', enum_type=SpecialTrigger, max_length=24)),
                ('trigger_details', fields.TextField(null=True, unique=False)),
                ('with_sampling', fields.BooleanField(default=False)),
                ('requirements', fields.TextField(default='', unique=False)),
                ('risk_notice', fields.TextField(null=True, unique=False)),
                ('suspension_ground', fields.CharField(null=True, max_length=48)),
                ('notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'surveillance_task', 'app': 'models', 'unique_together': (('factory', 'year', 'plan_sequence'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskCertificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='certificate_links', on_delete=OnDelete.RESTRICT)),
                ('certificate', fields.ForeignKeyField('models.Certificate', source_field='certificate_id', db_index=True, db_constraint=True, to_field='id', related_name='task_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'task_certificate', 'app': 'models', 'unique_together': (('task', 'certificate'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskException',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='exceptions', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharEnumField(description='FACTORY_CLOSED: FACTORY_CLOSED\nPRODUCTION_STOPPED: PRODUCTION_STOPPED\nREFUSED_INSPECTION: REFUSED_INSPECTION\nFACTORY_MOVED: FACTORY_MOVED\nPRODUCT_NOT_FOUND: PRODUCT_NOT_FOUND\nFORCE_MAJEURE: FORCE_MAJEURE\nOTHER: OTHER', enum_type=ExceptionReason, max_length=24)),
                ('details', fields.TextField(unique=False)),
                ('reported_by', fields.ForeignKeyField('models.User', source_field='reported_by_id', db_index=True, db_constraint=True, to_field='id', related_name='exceptions_reported', on_delete=OnDelete.RESTRICT)),
                ('reported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('handling', fields.CharEnumField(null=True, description='RESCHEDULE: RESCHEDULE\nCONVERT_TO_SPECIAL: CONVERT_TO_SPECIAL\nESCALATE: ESCALATE\nCANCEL: CANCEL', enum_type=ExceptionHandling, max_length=24)),
                ('handling_note', fields.TextField(null=True, unique=False)),
                ('handled_by', fields.ForeignKeyField('models.User', source_field='handled_by_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='exceptions_handled', on_delete=OnDelete.RESTRICT)),
                ('handled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_exception', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A task that cannot be executed or completed as planned (§4.3), and how it was handled.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='team', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='team_assignments', on_delete=OnDelete.RESTRICT)),
                ('is_leader', fields.BooleanField(default=False)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('removed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'team_assignment', 'app': 'models', 'pk_attr': 'id', 'table_description': "One person on one task's inspection team. Removal ends it, nothing is deleted."},
            bases=['Model'],
        ),
    ]
