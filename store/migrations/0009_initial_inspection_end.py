from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_documents')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Certificate',
            name='initial_inspection_end',
            field=fields.DateField(null=True),
        ),
    ]
