from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from store.migration_helpers import add_policy_lines

REFERENCE_LINES = [("p", "planner", "unit:hq", "reference", "manage")]


async def add_reference_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, REFERENCE_LINES)

class Migration(migrations.Migration):
    dependencies = [('models', '0005_lab_disclosure')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SamplingScheme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product_category', fields.ForeignKeyField('models.ProductCategory', source_field='product_category_id', db_index=True, db_constraint=True, to_field='id', related_name='sampling_schemes', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('test_items', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sample_quantity', fields.IntField()),
                ('sites', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version', fields.IntField(default=1)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'sampling_scheme', 'app': 'models', 'unique_together': (('product_category',),), 'pk_attr': 'id', 'table_description': '监督抽样检测方案: what to test, how many samples, where to take them, per category.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveillanceClause',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(db_index=True)),
                ('code', fields.CharField(max_length=32)),
                ('title', fields.CharField(max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('product_category', fields.ForeignKeyField('models.ProductCategory', source_field='product_category_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='clauses', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=1)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'surveillance_clause', 'app': 'models', 'unique_together': (('year', 'code'),), 'pk_attr': 'id', 'table_description': '年度监督检查条款: a focus item for the year, for one product category or for all.'},
            bases=['Model'],
        ),
        ops.RunPython(add_reference_policy, ops.RunPython.noop),
    ]
