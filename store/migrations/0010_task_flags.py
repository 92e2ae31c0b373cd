from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_initial_inspection_end')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SurveillanceTask',
            name='escalated',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='SurveillanceTask',
            name='unannounced',
            field=fields.BooleanField(default=False),
        ),
        ops.RunSQL(
            "UPDATE surveillance_task SET unannounced = TRUE WHERE kind = 'ROUTINE_UNANNOUNCED'",
            "SELECT 1",
        ),
    ]
