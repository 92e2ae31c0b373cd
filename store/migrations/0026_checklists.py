"""Clause checklists (issue 13, D): a task's checklist items and their evidence, the clause a
non-conformity was found on, HQ's focus mark and English texts on the yearly clauses, and the
policy lines of adding and answering items, for databases seeded before them.

- tortoise's AddField of a foreign key creates no index (see 0019): `nonconformity.checklist_item_id`'s
  is created here under the name tortoise gives a field index.
- A fresh database gets the policy lines from policies/policy.csv with the rest of the seed."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from domain.checklists import ChecklistAnswer
from domain.results import Severity
from store.migration_helpers import add_policy_lines

CHECKLIST_ITEM_INDEX = ("idx_nonconformi_checkli_e01d04", "nonconformity", "checklist_item_id")

# Frozen copy of the lines as they were when checklists arrived.
CHECKLIST_LINES = [
    ("p", "planner", "unit:*", "task", "checklist"),
    ("p", "planner", "unit:hq", "task", "checklist"),
    ("p", "inspector", "unit:*", "task", "answer_checklist"),
    ("p", "agency_inspector", "unit:*", "task", "answer_checklist"),
]


async def create_checklist_item_index(apps, schema_editor) -> None:
    name, table, column = CHECKLIST_ITEM_INDEX
    await schema_editor.client.execute_query(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


async def drop_checklist_item_index(apps, schema_editor) -> None:
    await schema_editor.client.execute_query(f'DROP INDEX IF EXISTS "{CHECKLIST_ITEM_INDEX[0]}"')


async def add_checklist_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, CHECKLIST_LINES)


class Migration(migrations.Migration):
    dependencies = [("models", "0025_registry_import")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ChecklistItem",
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
                        related_name="checklist_items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.IntField()),
                (
                    "clause",
                    fields.ForeignKeyField(
                        "models.SurveillanceClause",
                        source_field="clause_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="checklist_items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("clause_version", fields.IntField(null=True)),
                ("code", fields.CharField(max_length=32)),
                ("title", fields.CharField(max_length=200)),
                ("title_en", fields.CharField(null=True, max_length=200)),
                ("text", fields.TextField(unique=False)),
                ("text_en", fields.TextField(null=True, unique=False)),
                ("focus", fields.BooleanField(default=False)),
                (
                    "added_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="added_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="checklist_items_added",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "answer",
                    fields.CharEnumField(
                        null=True,
                        description="CONFORMS: CONFORMS\nNONCONFORMITY: NONCONFORMITY\nNOT_APPLICABLE: NOT_APPLICABLE",
                        enum_type=ChecklistAnswer,
                        max_length=16,
                    ),
                ),
                (
                    "severity",
                    fields.CharEnumField(
                        null=True, description="SERIOUS: SERIOUS\nGENERAL: GENERAL", enum_type=Severity, max_length=16
                    ),
                ),
                ("description", fields.TextField(null=True, unique=False)),
                ("reason", fields.TextField(null=True, unique=False)),
                ("note", fields.TextField(null=True, unique=False)),
                (
                    "answered_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="answered_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="checklist_answers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("answered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("captured_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("withdrawn_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("version", fields.IntField(default=1)),
            ],
            options={
                "table": "checklist_item",
                "app": "models",
                "unique_together": (("task", "code"),),
                "pk_attr": "id",
                "table_description": "检查项: one item of one task's checklist, with its answer once given.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ChecklistEvidence",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "item",
                    fields.ForeignKeyField(
                        "models.ChecklistItem",
                        source_field="item_id",
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
                        db_constraint=True,
                        to_field="id",
                        related_name="checklist_evidence",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("captured_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("latitude", fields.FloatField(null=True)),
                ("longitude", fields.FloatField(null=True)),
                (
                    "added_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="added_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="checklist_evidence",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("added_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "checklist_evidence",
                "app": "models",
                "pk_attr": "id",
                "table_description": "检查证据: a photo or document the team attached to an answer (never removed).",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="NonConformity",
            name="checklist_item",
            field=fields.ForeignKeyField(
                "models.ChecklistItem",
                source_field="checklist_item_id",
                null=True,
                db_index=True,
                db_constraint=True,
                to_field="id",
                related_name="nonconformities",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="SurveillanceClause",
            name="focus",
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name="SurveillanceClause",
            name="text_en",
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name="SurveillanceClause",
            name="title_en",
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.RunPython(create_checklist_item_index, drop_checklist_item_index),
        ops.RunPython(add_checklist_policy, ops.RunPython.noop),
    ]
