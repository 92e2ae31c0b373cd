"""Notices (issue 14, E): the `outbox_event` table written with the change that causes a
notice, and each person's language for errors and notices (`app_user.language`)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0028_corrective_actions")]

    initial = False

    operations = [
        ops.AddField(model_name="User", name="language", field=fields.CharField(max_length=8, null=True)),
        ops.CreateModel(
            name="OutboxEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=64, db_index=True)),
                ("subject_type", fields.CharField(max_length=32)),
                ("subject_id", fields.IntField(null=True)),
                ("task_id", fields.IntField(null=True, db_index=True)),
                ("audience", fields.JSONField(default=dict)),
                ("params", fields.JSONField(default=dict)),
                ("actor", fields.CharField(max_length=64)),
                ("request_id", fields.CharField(max_length=64, null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True, db_index=True)),
                ("fanned_out_at", fields.DatetimeField(null=True, db_index=True)),
            ],
            options={
                "table": "outbox_event",
                "app": "models",
                "pk_attr": "id",
                "table_description": "Notices written with their change, delivered by the worker.",
            },
            bases=["Model"],
        ),
    ]
