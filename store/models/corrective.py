"""The enterprise's corrective actions (纠正措施) for its non-conformities, versioned: an
amendment adds a version and the earlier ones stay. Evidence files are the task's documents
(purpose CORRECTIVE_EVIDENCE), linked to the versions that carry them."""

from tortoise import fields
from tortoise.models import Model


class CorrectiveAction(Model):
    """One version of the enterprise's corrective action for one non-conformity."""

    id = fields.IntField(primary_key=True)
    nonconformity = fields.ForeignKeyField(
        "models.NonConformity", related_name="corrective_actions", db_index=True, on_delete=fields.RESTRICT
    )
    number = fields.IntField()  # 1, 2, ... per non-conformity
    description = fields.TextField()
    submitted_by = fields.ForeignKeyField(
        "models.User", related_name="corrective_actions", db_index=True, on_delete=fields.RESTRICT
    )
    submitted_at = fields.DatetimeField()
    late = fields.BooleanField()  # submitted after the non-conformity's correction_due (service's date)
    current = fields.BooleanField(default=True)

    class Meta:
        table = "corrective_action"
        unique_together = (("nonconformity", "number"),)
        table_description = "纠正措施: the enterprise's corrective action for a non-conformity, one row per version."


class CorrectiveActionEvidence(Model):
    """整改证据: a document carried by a version of a corrective action."""

    id = fields.IntField(primary_key=True)
    action = fields.ForeignKeyField(
        "models.CorrectiveAction", related_name="evidence", db_index=True, on_delete=fields.RESTRICT
    )
    document = fields.ForeignKeyField(
        "models.Document", related_name="corrective_actions", db_index=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "corrective_action_evidence"
        unique_together = (("action", "document"),)
