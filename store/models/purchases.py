"""Market purchase work (买样): the buyer's assignment, the purchases, and replay records
for the mobile app's retried requests."""

from tortoise import fields
from tortoise.models import Model

from domain.purchases import AssignmentStatus


class PurchaseAssignment(Model):
    """买样任务分派: one buyer sent to buy for one sampling task."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField(
        "models.SurveillanceTask", related_name="purchase_assignments", db_index=True, on_delete=fields.RESTRICT
    )
    buyer = fields.ForeignKeyField(
        "models.User", related_name="purchase_assignments", db_index=True, on_delete=fields.RESTRICT
    )
    assigned_by = fields.ForeignKeyField("models.User", related_name="purchases_assigned", on_delete=fields.RESTRICT)
    assigned_at = fields.DatetimeField()
    instructions = fields.TextField(default="")
    status = fields.CharEnumField(AssignmentStatus, max_length=16, db_index=True)
    closed_at = fields.DatetimeField(null=True)
    close_reason = fields.TextField(null=True)
    # Domains, copied from the task: the responsible and the executing unit.
    responsible_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="purchase_assignments_responsible", db_index=True, on_delete=fields.RESTRICT
    )
    executing_unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="purchase_assignments_executing", db_index=True, on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=1)

    class Meta:
        table = "purchase_assignment"


class Purchase(Model):
    """买样记录: where, when and for how much the product was bought, with the receipt."""

    id = fields.IntField(primary_key=True)
    assignment = fields.ForeignKeyField(
        "models.PurchaseAssignment", related_name="purchases", db_index=True, on_delete=fields.RESTRICT
    )
    buyer = fields.ForeignKeyField("models.User", related_name="purchases", db_index=True, on_delete=fields.RESTRICT)
    shop_name = fields.CharField(max_length=200)
    shop_address = fields.CharField(max_length=500)
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    gps_accuracy_m = fields.FloatField(null=True)
    purchased_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField()
    price_cents = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    receipt_number = fields.CharField(max_length=100)

    class Meta:
        table = "purchase"


class IdempotencyRecord(Model):
    """A mobile request already applied: (user, key) is unique, so a retried request finds
    the first one's result instead of running again."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="idempotency_records", on_delete=fields.RESTRICT)
    key = fields.CharField(max_length=100)
    operation = fields.CharField(max_length=64)
    input_hash = fields.CharField(max_length=64)
    result_id = fields.IntField(null=True)
    answer = fields.TextField(null=True)  # a mutation's first payload, as resolvers/replay.py encodes it
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("user", "key"),)
