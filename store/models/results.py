"""Results, review, risk assessment, decision, spot checks and disputes (issue 5)."""

from tortoise import fields
from tortoise.models import Model

from domain.decisions import DecisionOutcome, ReviewOutcome, RiskLevel, SuspensionGround
from domain.disputes import DisputeStatus
from domain.results import Conclusion, Severity, VerificationMethod


class InspectionResult(Model):
    """检查结论, versioned: a resubmission or a change adds a version, the old ones stay."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField("models.SurveillanceTask", related_name="results", on_delete=fields.RESTRICT)
    number = fields.IntField()  # 1, 2, ... per task
    conclusion = fields.CharEnumField(Conclusion, max_length=24)
    summary = fields.TextField(default="")
    submitted_by = fields.ForeignKeyField("models.User", related_name="results", on_delete=fields.RESTRICT)
    submitted_at = fields.DatetimeField()
    change_reason = fields.TextField(null=True)  # why this version replaced the previous one
    current = fields.BooleanField(default=True, db_index=True)
    after_archive = fields.BooleanField(default=False)  # an amendment of an archived record

    class Meta:
        table = "inspection_result"
        unique_together = (("task", "number"),)


class NonConformity(Model):
    """不符合项 of one result version, with its correction and the verification."""

    id = fields.IntField(primary_key=True)
    result = fields.ForeignKeyField(
        "models.InspectionResult", related_name="nonconformities", db_index=True, on_delete=fields.RESTRICT
    )
    clause = fields.CharField(max_length=64)
    severity = fields.CharEnumField(Severity, max_length=16)
    description = fields.TextField()
    correction_due = fields.DateField()
    corrective_action = fields.TextField(null=True)
    verification_method = fields.CharEnumField(VerificationMethod, max_length=16, null=True)
    verified_closed = fields.BooleanField(null=True)
    verification_note = fields.TextField(null=True)
    verification_document = fields.ForeignKeyField(
        "models.Document", related_name="verifications", null=True, on_delete=fields.RESTRICT
    )
    verified_by = fields.ForeignKeyField(
        "models.User", related_name="verifications", null=True, on_delete=fields.RESTRICT
    )
    verified_at = fields.DatetimeField(null=True)
    # The checklist item it was found on (null: a free-text finding, or one from before checklists).
    checklist_item = fields.ForeignKeyField(
        "models.ChecklistItem", related_name="nonconformities", null=True, db_index=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "nonconformity"


class RiskAssessment(Model):
    """风险评估: required before the decision on complex or special tasks and marking findings."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="risk_assessments", db_index=True, on_delete=fields.RESTRICT
    )
    level = fields.CharEnumField(RiskLevel, max_length=8)
    recommendation = fields.TextField()
    assessed_by = fields.ForeignKeyField("models.User", related_name="risk_assessments", on_delete=fields.RESTRICT)
    assessed_at = fields.DatetimeField()

    class Meta:
        table = "risk_assessment"


class Review(Model):
    """复核 of one result version."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="reviews", db_index=True, on_delete=fields.RESTRICT
    )
    result = fields.ForeignKeyField("models.InspectionResult", related_name="reviews", on_delete=fields.RESTRICT)
    outcome = fields.CharEnumField(ReviewOutcome, max_length=8)
    comments = fields.TextField()
    reviewer = fields.ForeignKeyField("models.User", related_name="reviews", on_delete=fields.RESTRICT)
    reviewed_at = fields.DatetimeField()

    class Meta:
        table = "review"


class Decision(Model):
    """认证决定: one per task (the task's version guard makes it so)."""

    id = fields.IntField(primary_key=True)
    task = fields.OneToOneField("models.SurveillanceTask", related_name="decision", on_delete=fields.RESTRICT)
    result = fields.ForeignKeyField("models.InspectionResult", related_name="decisions", on_delete=fields.RESTRICT)
    outcome = fields.CharEnumField(DecisionOutcome, max_length=12)
    ground = fields.CharEnumField(SuspensionGround, max_length=32, null=True)
    reason = fields.TextField()
    decider = fields.ForeignKeyField("models.User", related_name="decisions", on_delete=fields.RESTRICT)
    decided_at = fields.DatetimeField()

    class Meta:
        table = "decision"


class SpotCheck(Model):
    """国家或省级监督抽查 result recorded against a certificate."""

    id = fields.IntField(primary_key=True)
    certificate = fields.ForeignKeyField(
        "models.Certificate", related_name="spot_checks", db_index=True, on_delete=fields.RESTRICT
    )
    level = fields.CharField(max_length=16)  # NATIONAL / PROVINCIAL
    checked_on = fields.DateField()
    passed = fields.BooleanField()
    reference = fields.CharField(max_length=100)  # the authority's notice number
    notes = fields.TextField(default="")
    recorded_by = fields.ForeignKeyField("models.User", related_name="spot_checks", on_delete=fields.RESTRICT)
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "spot_check"


class Dispute(Model):
    """技术争议 on a task's result, analysed and settled by the responsible unit or HQ."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="disputes", db_index=True, on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(DisputeStatus, max_length=12, db_index=True)
    subject = fields.TextField()
    opened_by = fields.ForeignKeyField("models.User", related_name="disputes_opened", on_delete=fields.RESTRICT)
    opened_at = fields.DatetimeField()
    analysis = fields.TextField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    settlement = fields.TextField(null=True)
    settled_by = fields.ForeignKeyField(
        "models.User", related_name="disputes_settled", null=True, on_delete=fields.RESTRICT
    )
    settled_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "dispute"
