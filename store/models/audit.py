"""Append-only audit trail; see domain.audit_chain for the hash chain."""

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.IntField(primary_key=True)
    seq = fields.IntField(unique=True)
    at = fields.DatetimeField()
    actor_id = fields.IntField(null=True, db_index=True)
    actor = fields.CharField(max_length=64)  # login, or "system" for seeding / CLI
    unit = fields.CharField(max_length=32)
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=32)
    object_id = fields.IntField(null=True)
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    reason = fields.TextField(null=True)
    request_id = fields.CharField(max_length=64)
    prev_hash = fields.CharField(max_length=64, unique=True)
    hash = fields.CharField(max_length=64, unique=True)
    # Which columns the hash covers (domain.audit_chain.FIELDS_BY_FORMAT). Rows written
    # before formats existed read 1; the store writes the current format explicitly.
    format = fields.SmallIntField(default=1, db_default=1)

    class Meta:
        table = "audit_entry"
        indexes = (("object_type", "object_id"),)
