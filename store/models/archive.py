"""Person-days and common problems (issue 6)."""

from tortoise import fields
from tortoise.models import Model


class PersonDayEntry(Model):
    """人日数: actual inspection person-days of one inspector on one task."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="person_days", db_index=True, on_delete=fields.RESTRICT
    )
    user = fields.ForeignKeyField("models.User", related_name="person_days", db_index=True, on_delete=fields.RESTRICT)
    days = fields.FloatField()
    recorded_by = fields.ForeignKeyField("models.User", related_name="person_days_recorded", on_delete=fields.RESTRICT)
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "person_day_entry"
        unique_together = (("task", "user"),)


class ProblemReport(Model):
    """共性问题: a sub-centre reports a common problem to HQ, and they discuss it."""

    id = fields.IntField(primary_key=True)
    unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="problem_reports", db_index=True, on_delete=fields.RESTRICT
    )
    category = fields.CharField(max_length=32, db_index=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField()
    task_ids = fields.JSONField(default=list)
    status = fields.CharField(max_length=16, db_index=True)  # OPEN / ANSWERED
    filed_by = fields.ForeignKeyField("models.User", related_name="problem_reports", on_delete=fields.RESTRICT)
    filed_at = fields.DatetimeField()

    class Meta:
        table = "problem_report"


class ProblemMessage(Model):
    id = fields.IntField(primary_key=True)
    report = fields.ForeignKeyField(
        "models.ProblemReport", related_name="messages", db_index=True, on_delete=fields.RESTRICT
    )
    author = fields.ForeignKeyField("models.User", related_name="problem_messages", on_delete=fields.RESTRICT)
    from_hq = fields.BooleanField()
    text = fields.TextField()
    at = fields.DatetimeField()

    class Meta:
        table = "problem_message"
