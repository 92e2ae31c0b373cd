"""Reminders (issue 14, E): `reminder_sent`, one row per reminder sent (kind, subject,
threshold; unique), so the worker's schedule sends each reminder once per threshold."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0030_notice_delivery")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ReminderSent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=64)),
                ("subject_type", fields.CharField(max_length=32)),
                ("subject_id", fields.IntField()),
                ("threshold", fields.CharField(max_length=48)),
                ("sent_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "reminder_sent",
                "app": "models",
                "unique_together": (("kind", "subject_type", "subject_id", "threshold"),),
                "pk_attr": "id",
                "table_description": "Reminders sent, once per threshold.",
            },
            bases=["Model"],
        ),
    ]
