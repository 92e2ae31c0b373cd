from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.decisions import DecisionOutcome, ReviewOutcome, RiskLevel, SuspensionGround
from domain.disputes import DisputeStatus
from domain.purchases import AssignmentStatus
from domain.results import Conclusion, Severity, VerificationMethod
from domain.tasks import TaskStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

RESULT_LINES = [
    ('p', 'inspector', 'unit:*', 'task', 'submit_results'),
    ('p', 'agency_inspector', 'unit:*', 'task', 'submit_results'),
    ('p', 'reviewer', 'unit:*', 'task', 'review'),
    ('p', 'reviewer', 'unit:*', 'task', 'assess_risk'),
    ('p', 'decider', 'unit:*', 'task', 'assess_risk'),
    ('p', 'decider', 'unit:*', 'task', 'decide'),
    ('p', 'decider', 'unit:*', 'task', 'change_result'),
    ('p', 'planner', 'unit:*', 'task', 'flag_complex'),
    ('p', 'reviewer', 'unit:*', 'task', 'flag_complex'),
    ('p', 'planner', 'unit:*', 'task.risk', 'read'),
    ('p', 'inspector', 'unit:*', 'task.risk', 'read'),
    ('p', 'reviewer', 'unit:*', 'task.risk', 'read'),
    ('p', 'decider', 'unit:*', 'task.risk', 'read'),
    ('p', 'archivist', 'unit:*', 'task.risk', 'read'),
    ('p', 'planner', 'unit:hq', 'task.risk', 'read'),
    ('p', 'reviewer', 'unit:hq', 'task.risk', 'read'),
    ('p', 'decider', 'unit:hq', 'task.risk', 'read'),
    ('p', 'archivist', 'unit:hq', 'task.risk', 'read'),
    ('p', 'auditor', 'unit:hq', 'task.risk', 'read'),
    ('p', 'enterprise', 'unit:*', 'task', 'dispute'),
    ('p', 'planner', 'unit:*', 'task', 'dispute'),
    ('p', 'reviewer', 'unit:*', 'task', 'settle_dispute'),
    ('p', 'decider', 'unit:*', 'task', 'settle_dispute'),
    ('p', 'reviewer', 'unit:hq', 'task', 'settle_escalated'),
    ('p', 'decider', 'unit:hq', 'task', 'settle_escalated'),
    ('p', 'planner', 'unit:*', 'certificate', 'record_spot_check'),
    ('p', 'planner', 'unit:hq', 'certificate', 'record_spot_check'),
]


async def add_result_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, RESULT_LINES)


class Migration(migrations.Migration):
    dependencies = [('models', '0013_purchases')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Dispute',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='disputes', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(db_index=True, description='OPEN: OPEN\nESCALATED: ESCALATED\nSETTLED: SETTLED', enum_type=DisputeStatus, max_length=12)),
                ('subject', fields.TextField(unique=False)),
                ('opened_by', fields.ForeignKeyField('models.User', source_field='opened_by_id', db_constraint=True, to_field='id', related_name='disputes_opened', on_delete=OnDelete.RESTRICT)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('analysis', fields.TextField(null=True, unique=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('settlement', fields.TextField(null=True, unique=False)),
                ('settled_by', fields.ForeignKeyField('models.User', source_field='settled_by_id', null=True, db_constraint=True, to_field='id', related_name='disputes_settled', on_delete=OnDelete.RESTRICT)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'dispute', 'app': 'models', 'pk_attr': 'id', 'table_description': "技术争议 on a task's result, analysed and settled by the responsible unit or HQ."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InspectionResult',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('conclusion', fields.CharEnumField(description='PASS: PASS\nPASS_AFTER_CORRECTION: PASS_AFTER_CORRECTION\nFAIL: FAIL', enum_type=Conclusion, max_length=24)),
                ('summary', fields.TextField(default='', unique=False)),
                ('submitted_by', fields.ForeignKeyField('models.User', source_field='submitted_by_id', db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.RESTRICT)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('change_reason', fields.TextField(null=True, unique=False)),
                ('current', fields.BooleanField(default=True, db_index=True)),
            ],
            options={'table': 'inspection_result', 'app': 'models', 'unique_together': (('task', 'number'),), 'pk_attr': 'id', 'table_description': '检查结论, versioned: a resubmission or a change adds a version, the old ones stay.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Decision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.OneToOneField('models.SurveillanceTask', source_field='task_id', db_constraint=True, to_field='id', related_name='decision', on_delete=OnDelete.RESTRICT)),
                ('result', fields.ForeignKeyField('models.InspectionResult', source_field='result_id', db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.RESTRICT)),
                ('outcome', fields.CharEnumField(description='MAINTAIN: MAINTAIN\nSUSPEND: SUSPEND\nREVOKE: REVOKE\nRESTORE: RESTORE\nCANCEL: CANCEL', enum_type=DecisionOutcome, max_length=12)),
                ('ground', fields.CharEnumField(null=True, description='FAILED_SAMPLING: FAILED_SAMPLING\nFAILED_INSPECTION: FAILED_INSPECTION\nREFUSED_UNANNOUNCED: REFUSED_UNANNOUNCED\nNO_MARKET_SAMPLING_COOPERATION: NO_MARKET_SAMPLING_COOPERATION\nUNAPPROVED_CHANGE: UNAPPROVED_CHANGE\nMISUSE: MISUSE\nVOLUNTARY: VOLUNTARY\nSPOT_CHECK_FAILURE: SPOT_CHECK_FAILURE\nOTHER: OTHER', enum_type=SuspensionGround, max_length=32)),
                ('reason', fields.TextField(unique=False)),
                ('decider', fields.ForeignKeyField('models.User', source_field='decider_id', db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'decision', 'app': 'models', 'pk_attr': 'id', 'table_description': "认证决定: one per task (the task's version guard makes it so)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NonConformity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('result', fields.ForeignKeyField('models.InspectionResult', source_field='result_id', db_index=True, db_constraint=True, to_field='id', related_name='nonconformities', on_delete=OnDelete.RESTRICT)),
                ('clause', fields.CharField(max_length=64)),
                ('severity', fields.CharEnumField(description='SERIOUS: SERIOUS\nGENERAL: GENERAL', enum_type=Severity, max_length=16)),
                ('description', fields.TextField(unique=False)),
                ('correction_due', fields.DateField()),
                ('corrective_action', fields.TextField(null=True, unique=False)),
                ('verification_method', fields.CharEnumField(null=True, description='WRITTEN: WRITTEN\nON_SITE: ON_SITE', enum_type=VerificationMethod, max_length=16)),
                ('verified_closed', fields.BooleanField(null=True)),
                ('verification_note', fields.TextField(null=True, unique=False)),
                ('verification_document', fields.ForeignKeyField('models.Document', source_field='verification_document_id', null=True, db_constraint=True, to_field='id', related_name='verifications', on_delete=OnDelete.RESTRICT)),
                ('verified_by', fields.ForeignKeyField('models.User', source_field='verified_by_id', null=True, db_constraint=True, to_field='id', related_name='verifications', on_delete=OnDelete.RESTRICT)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'nonconformity', 'app': 'models', 'pk_attr': 'id', 'table_description': '不符合项 of one result version, with its correction and the verification.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('result', fields.ForeignKeyField('models.InspectionResult', source_field='result_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('outcome', fields.CharEnumField(description='AGREE: AGREE\nRETURN: RETURN', enum_type=ReviewOutcome, max_length=8)),
                ('comments', fields.TextField(unique=False)),
                ('reviewer', fields.ForeignKeyField('models.User', source_field='reviewer_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('reviewed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review', 'app': 'models', 'pk_attr': 'id', 'table_description': '复核 of one result version.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RiskAssessment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.SurveillanceTask', source_field='task_id', db_index=True, db_constraint=True, to_field='id', related_name='risk_assessments', on_delete=OnDelete.RESTRICT)),
                ('level', fields.CharEnumField(description='LOW: LOW\nMEDIUM: MEDIUM\nHIGH: HIGH', enum_type=RiskLevel, max_length=8)),
                ('recommendation', fields.TextField(unique=False)),
                ('assessed_by', fields.ForeignKeyField('models.User', source_field='assessed_by_id', db_constraint=True, to_field='id', related_name='risk_assessments', on_delete=OnDelete.RESTRICT)),
                ('assessed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'risk_assessment', 'app': 'models', 'pk_attr': 'id', 'table_description': '风险评估: required before the decision on complex or special tasks and marking findings.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SpotCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('certificate', fields.ForeignKeyField('models.Certificate', source_field='certificate_id', db_index=True, db_constraint=True, to_field='id', related_name='spot_checks', on_delete=OnDelete.RESTRICT)),
                ('level', fields.CharField(max_length=16)),
                ('checked_on', fields.DateField()),
                ('passed', fields.BooleanField()),
                ('reference', fields.CharField(max_length=100)),
                ('notes', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='spot_checks', on_delete=OnDelete.RESTRICT)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'spot_check', 'app': 'models', 'pk_attr': 'id', 'table_description': '国家或省级监督抽查 result recorded against a certificate.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Certificate',
            name='suspended_until',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Certificate',
            name='suspension_ground',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AlterField(
            model_name='PurchaseAssignment',
            name='status',
            field=fields.CharEnumField(db_index=True, description='ASSIGNED: ASSIGNED\nCOMPLETED: COMPLETED\nWITHDRAWN: WITHDRAWN\nEXCEPTION: EXCEPTION', enum_type=AssignmentStatus, max_length=16),
        ),
        ops.AlterField(
            model_name='SurveillanceTask',
            name='status',
            field=fields.CharEnumField(db_index=True, description='DRAFT: DRAFT\nISSUED: ISSUED\nTEAM_ASSIGNED: TEAM_ASSIGNED\nIN_PROGRESS: IN_PROGRESS\nRESULTS_SUBMITTED: RESULTS_SUBMITTED\nRETURNED: RETURNED\nREVIEWED: REVIEWED\nDECIDED: DECIDED\nEXCEPTION: EXCEPTION\nCANCELLED: CANCELLED', enum_type=TaskStatus, max_length=24),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='complex',
            field=fields.BooleanField(default=False),
        ),
        ops.RunPython(add_result_policy, ops.RunPython.noop),
    ]
