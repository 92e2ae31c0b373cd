"""Clause checklists (工厂检查记录表 0402.06): a task's items, drawn from the yearly surveillance
clauses (a snapshot: the clause may change later) or added by its planner, and the team's
answers with their evidence."""

from tortoise import fields
from tortoise.models import Model

from domain.checklists import ChecklistAnswer
from domain.results import Severity


class ChecklistItem(Model):
    """检查项: one item of one task's checklist, with its answer once given."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="checklist_items", db_index=True, on_delete=fields.RESTRICT
    )
    position = fields.IntField()
    # The clause it was drawn from (null for a task-specific item) and the clause version copied.
    clause = fields.ForeignKeyField(
        "models.SurveillanceClause", related_name="checklist_items", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    clause_version = fields.IntField(null=True)
    code = fields.CharField(max_length=32)
    title = fields.CharField(max_length=200)
    title_en = fields.CharField(max_length=200, null=True)
    text = fields.TextField()
    text_en = fields.TextField(null=True)
    focus = fields.BooleanField(default=False)  # 年度重点
    added_by = fields.ForeignKeyField(
        "models.User", related_name="checklist_items_added", null=True, on_delete=fields.RESTRICT
    )
    answer = fields.CharEnumField(ChecklistAnswer, max_length=16, null=True)
    severity = fields.CharEnumField(Severity, max_length=16, null=True)
    description = fields.TextField(null=True)  # the non-conformity as found
    reason = fields.TextField(null=True)  # why the item does not apply
    note = fields.TextField(null=True)  # internal: never shown to the enterprise
    answered_by = fields.ForeignKeyField(
        "models.User", related_name="checklist_answers", null=True, on_delete=fields.RESTRICT
    )
    answered_at = fields.DatetimeField(null=True)
    captured_at = fields.DatetimeField(null=True)  # the device's time of the answer
    # A split container hands its checklist to its sub-tasks: the item stays, withdrawn.
    withdrawn_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "checklist_item"
        unique_together = (("task", "code"),)


class ChecklistEvidence(Model):
    """检查证据: a photo or document the team attached to an answer (never removed)."""

    id = fields.IntField(primary_key=True)
    item = fields.ForeignKeyField(
        "models.ChecklistItem", related_name="evidence", db_index=True, on_delete=fields.RESTRICT
    )
    document = fields.ForeignKeyField("models.Document", related_name="checklist_evidence", on_delete=fields.RESTRICT)
    captured_at = fields.DatetimeField(null=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    added_by = fields.ForeignKeyField("models.User", related_name="checklist_evidence", on_delete=fields.RESTRICT)
    added_at = fields.DatetimeField()

    class Meta:
        table = "checklist_evidence"
