"""Documents attached to tasks (materials for the team; later the archive's forms)."""

from tortoise import fields
from tortoise.models import Model


class Document(Model):
    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="documents", db_index=True, on_delete=fields.RESTRICT
    )
    purpose = fields.CharField(max_length=32, db_index=True)  # MATERIAL, LAB_REPORT, RECEIPT, PRODUCT_PHOTO
    purchase = fields.ForeignKeyField(
        "models.Purchase", related_name="documents", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    sha256 = fields.CharField(max_length=64, db_index=True)
    size = fields.IntField()
    content_type = fields.CharField(max_length=100)
    filename = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    uploaded_by = fields.ForeignKeyField(
        "models.User", related_name="documents", db_index=True, on_delete=fields.RESTRICT
    )
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "document"
