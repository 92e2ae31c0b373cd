"""The notices outbox: events written with the change that causes them, delivered later."""

from tortoise import fields
from tortoise.models import Model


class OutboxEvent(Model):
    """One notifiable change (domain/notices.NoticeKind), written in the command's transaction.

    `audience` is decided when the change happens, never later: `units` (codes of the staff
    units concerned), `people` (ids of persons named, e.g. the team), and `enterprise` (the
    enterprise unit's code, or null while the enterprise may not know — an unannounced task
    before its start). `params` fill the notice's templates. The worker sets `fanned_out_at`
    when it has written the recipients' inbox entries and deliveries."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64, db_index=True)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField(null=True)
    task_id = fields.IntField(null=True, db_index=True)
    audience = fields.JSONField(default=dict)
    params = fields.JSONField(default=dict)
    actor = fields.CharField(max_length=64)
    request_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    fanned_out_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_event"
