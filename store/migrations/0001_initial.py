from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.enums import CertificateStatus, FactoryClass, FactoryStatus, UnitKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.IntField(unique=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.IntField(null=True, db_index=True)),
                ('actor', fields.CharField(max_length=64)),
                ('unit', fields.CharField(max_length=32)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('object_type', fields.CharField(max_length=32)),
                ('object_id', fields.IntField(null=True)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.TextField(null=True, unique=False)),
                ('request_id', fields.CharField(max_length=64)),
                ('prev_hash', fields.CharField(unique=True, max_length=64)),
                ('hash', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'indexes': [Index(fields=['object_type', 'object_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrgUnit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=200)),
                ('name_zh', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(db_index=True, description='HQ: HQ\nSUBCENTER: SUBCENTER\nFOREIGN_AGENCY: FOREIGN_AGENCY\nLAB: LAB\nENTERPRISE: ENTERPRISE', enum_type=UnitKind, max_length=16)),
                ('provinces', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('countries', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('regions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'org_unit', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Factory',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=200)),
                ('address', fields.CharField(max_length=500)),
                ('country', fields.CharField(db_index=True, max_length=2)),
                ('province', fields.CharField(null=True, db_index=True, max_length=40)),
                ('classification', fields.CharEnumField(db_index=True, description='A: A\nB: B\nC: C\nD: D', enum_type=FactoryClass, max_length=1)),
                ('status', fields.CharEnumField(db_index=True, description='ACTIVE: ACTIVE\nPRODUCTION_STOPPED: PRODUCTION_STOPPED\nRELOCATED: RELOCATED\nCLOSED: CLOSED', enum_type=FactoryStatus, max_length=24)),
                ('responsible_unit', fields.ForeignKeyField('models.OrgUnit', source_field='responsible_unit_id', db_index=True, db_constraint=True, to_field='id', related_name='responsible_for', on_delete=OnDelete.RESTRICT)),
                ('agency_unit', fields.ForeignKeyField('models.OrgUnit', source_field='agency_unit_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='agency_for', on_delete=OnDelete.RESTRICT)),
                ('enterprise_unit', fields.ForeignKeyField('models.OrgUnit', source_field='enterprise_unit_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='enterprise_factories', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'factory', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PolicyRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('revision', fields.IntField(default=0)),
            ],
            options={'table': 'policy_revision', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row, bumped on every policy or role change so that every process reloads.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PolicyRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ptype', fields.CharField(max_length=4)),
                ('v0', fields.CharField(max_length=64)),
                ('v1', fields.CharField(max_length=64)),
                ('v2', fields.CharField(default='', max_length=64)),
                ('v3', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'policy_rule', 'app': 'models', 'unique_together': (('ptype', 'v0', 'v1', 'v2', 'v3'),), 'pk_attr': 'id', 'table_description': 'A Casbin policy line (p or g2). Seeded from policies/policy.csv, edited via GraphQL.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProductCategory',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=200)),
                ('name_zh', fields.CharField(max_length=200)),
                ('implementation_rule', fields.CharField(max_length=64)),
            ],
            options={'table': 'product_category', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=64)),
                ('holder', fields.CharField(max_length=200)),
                ('factory', fields.ForeignKeyField('models.Factory', source_field='factory_id', db_index=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('product_category', fields.ForeignKeyField('models.ProductCategory', source_field='product_category_id', db_index=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(db_index=True, description='VALID: VALID\nSUSPENDED: SUSPENDED\nREVOKED: REVOKED\nCANCELLED: CANCELLED', enum_type=CertificateStatus, max_length=16)),
                ('issued_on', fields.DateField()),
                ('expires_on', fields.DateField(db_index=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'certificate', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CertificateStatusChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('certificate', fields.ForeignKeyField('models.Certificate', source_field='certificate_id', db_index=True, db_constraint=True, to_field='id', related_name='status_history', on_delete=OnDelete.RESTRICT)),
                ('from_status', fields.CharEnumField(null=True, description='VALID: VALID\nSUSPENDED: SUSPENDED\nREVOKED: REVOKED\nCANCELLED: CANCELLED', enum_type=CertificateStatus, max_length=16)),
                ('to_status', fields.CharEnumField(description='VALID: VALID\nSUSPENDED: SUSPENDED\nREVOKED: REVOKED\nCANCELLED: CANCELLED', enum_type=CertificateStatus, max_length=16)),
                ('reason', fields.TextField(unique=False)),
                ('actor', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'certificate_status_change', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('login', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(max_length=200)),
                ('unit', fields.ForeignKeyField('models.OrgUnit', source_field='unit_id', db_index=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'app_user', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoleAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharField(max_length=32)),
                ('unit', fields.ForeignKeyField('models.OrgUnit', source_field='unit_id', db_index=True, db_constraint=True, to_field='id', related_name='role_holders', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'role_assignment', 'app': 'models', 'unique_together': (('user', 'role', 'unit'),), 'pk_attr': 'id', 'table_description': 'g, user:<id>, <role>, unit:<code> — a role held inside a unit.'},
            bases=['Model'],
        ),
    ]
