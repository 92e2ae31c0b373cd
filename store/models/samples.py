"""Samples and their chain of custody (issue 4)."""

from tortoise import fields
from tortoise.models import Model

from domain.custody import SampleStatus


class Sample(Model):
    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="samples", db_index=True, on_delete=fields.RESTRICT
    )
    identifier = fields.CharField(max_length=64, unique=True)  # 样品编号
    seal_number = fields.CharField(max_length=64)  # 封条号
    quantity = fields.IntField()
    place = fields.CharField(max_length=300)
    taken_by = fields.ForeignKeyField(
        "models.User", related_name="samples_taken", db_index=True, on_delete=fields.RESTRICT
    )
    taken_at = fields.DatetimeField()
    status = fields.CharEnumField(SampleStatus, max_length=16, db_index=True)
    # Domains: the task's responsible and executing units, and the lab once it is sent there.
    responsible_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="samples_responsible", db_index=True, on_delete=fields.RESTRICT
    )
    executing_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="samples_executing", db_index=True, on_delete=fields.RESTRICT
    )
    lab = fields.ForeignKeyField(
        "models.OrgUnit", related_name="samples_at_lab", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    purchase = fields.ForeignKeyField(
        "models.Purchase", related_name="samples", null=True, db_index=True, on_delete=fields.RESTRICT
    )  # set when the sample was bought (买样)
    carrier = fields.CharField(max_length=100, null=True)
    tracking_number = fields.CharField(max_length=100, null=True)
    shipped_at = fields.DatetimeField(null=True)
    received_at = fields.DatetimeField(null=True)
    condition_on_arrival = fields.TextField(null=True)
    testing_started_at = fields.DatetimeField(null=True)
    reported_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "sample"


class LabReport(Model):
    """监督抽样检测报告: per-item results, the conclusion, and a marking (标志) finding."""

    id = fields.IntField(primary_key=True)
    sample = fields.OneToOneField("models.Sample", related_name="report", on_delete=fields.RESTRICT)
    items = fields.JSONField()  # [{"item": "...", "passed": true}]
    passed = fields.BooleanField()
    marking_nonconformity = fields.BooleanField(default=False)  # forces a risk assessment (issue 5)
    document = fields.ForeignKeyField(
        "models.Document", related_name="lab_reports", null=True, on_delete=fields.RESTRICT
    )
    reported_by = fields.ForeignKeyField(
        "models.User", related_name="lab_reports", db_index=True, on_delete=fields.RESTRICT
    )
    reported_at = fields.DatetimeField()

    class Meta:
        table = "lab_report"
