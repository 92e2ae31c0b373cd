"""Sign-offs of generated forms (issue 13): the team leader confirms a form as rendered from
one version of the data; the rendered PDF is kept as a document of the task."""

from tortoise import fields
from tortoise.models import Model


class FormSignoff(Model):
    """组长确认: one confirmation of one generated form (a later one adds a row)."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="form_signoffs", db_index=True, on_delete=fields.RESTRICT
    )
    form = fields.CharField(max_length=32)  # domain.archive.Form
    data_version = fields.CharField(max_length=64)  # SHA-256 of the data's canonical JSON
    document = fields.ForeignKeyField("models.Document", related_name="signoffs", on_delete=fields.RESTRICT)
    signed_by = fields.ForeignKeyField("models.User", related_name="form_signoffs", on_delete=fields.RESTRICT)
    signed_at = fields.DatetimeField()

    class Meta:
        table = "form_signoff"
