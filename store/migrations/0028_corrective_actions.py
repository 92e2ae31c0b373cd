"""The enterprise's corrective actions (issue 13, D): `corrective_action` (one row per version
of the enterprise's corrective action for a non-conformity) and `corrective_action_evidence`
(the task's CORRECTIVE_EVIDENCE documents each version carries), and the policy line that lets
an enterprise submit them, for databases seeded before it. A fresh database gets the line from
policies/policy.csv with the rest of the seed."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from store.migration_helpers import add_policy_lines

# Frozen copy of the line as it was when corrective actions arrived.
CORRECTIVE_LINES = [("p", "enterprise", "unit:*", "task", "correct")]


async def add_corrective_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, CORRECTIVE_LINES)


class Migration(migrations.Migration):
    dependencies = [("models", "0027_generated_forms")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CorrectiveAction",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "nonconformity",
                    fields.ForeignKeyField(
                        "models.NonConformity",
                        source_field="nonconformity_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="corrective_actions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("number", fields.IntField()),
                ("description", fields.TextField(unique=False)),
                (
                    "submitted_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="submitted_by_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="corrective_actions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("submitted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("late", fields.BooleanField()),
                ("current", fields.BooleanField(default=True)),
            ],
            options={
                "table": "corrective_action",
                "app": "models",
                "unique_together": (("nonconformity", "number"),),
                "pk_attr": "id",
                "table_description": (
                    "纠正措施: the enterprise's corrective action for a non-conformity, one row per version."
                ),
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CorrectiveActionEvidence",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "action",
                    fields.ForeignKeyField(
                        "models.CorrectiveAction",
                        source_field="action_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="evidence",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "document",
                    fields.ForeignKeyField(
                        "models.Document",
                        source_field="document_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="corrective_actions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "corrective_action_evidence",
                "app": "models",
                "unique_together": (("action", "document"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.RunPython(add_corrective_policy, ops.RunPython.noop),
    ]
