"""Sign-offs of generated forms (issue 13, Forms generated from the data): `form_signoff`, one
row per confirmation by a team leader of a form rendered from one data version, pointing at the
rendered PDF kept as a document of the task. No policy line: confirming asks the team leader's
`task/submit_results` (services/forms/signoffs.py)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0026_checklists")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FormSignoff",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "task",
                    fields.ForeignKeyField(
                        "models.SurveillanceTask",
                        source_field="task_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="form_signoffs",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("form", fields.CharField(max_length=32)),
                ("data_version", fields.CharField(max_length=64)),
                (
                    "document",
                    fields.ForeignKeyField(
                        "models.Document",
                        source_field="document_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="signoffs",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "signed_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="signed_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="form_signoffs",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("signed_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "form_signoff",
                "app": "models",
                "pk_attr": "id",
                "table_description": "组长确认: one confirmation of one generated form (a later one adds a row).",
            },
            bases=["Model"],
        ),
    ]
