"""A task hidden because its samples are bought (买样) is told apart from an unannounced one
(issue 14, second round of fixes): `surveillance_task.purchase_secret`, set and cleared with the
purchase method, so switching to another method restores the task's own `unannounced` flag.

Until now a purchase set `unannounced` itself. Existing purchase tasks get `purchase_secret`;
their `unannounced` is left as it is, since what the planner chose before the purchase is not
recorded anywhere (such a task stays unannounced if its method changes: the safe side)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0035_more_notices")]

    initial = False

    operations = [
        ops.AddField(
            model_name="SurveillanceTask",
            name="purchase_secret",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunSQL(
            "UPDATE surveillance_task SET purchase_secret = TRUE "
            "WHERE kind = 'SAMPLING' AND sampling_method = 'PURCHASE' AND unannounced = TRUE",
            "SELECT 1",
        ),
    ]
