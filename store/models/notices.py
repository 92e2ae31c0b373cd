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


class NoticeRoute(Model):
    """Who receives what (seeded from policies/notice_routes.csv, then managed by HQ's policy
    administrators): holders of `role` in a unit of the event's audience receive notices of
    `kind` when the route names that unit's code, or `*` (every unit), in `unit`."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=64)
    role = fields.CharField(max_length=32)
    unit = fields.CharField(max_length=32, default="*")

    class Meta:
        table = "notice_route"
        unique_together = (("kind", "role", "unit"),)


class NoticePreference(Model):
    """A person's channels: email on/off (no row: on when the person has an email) and kinds
    muted from email. The inbox always receives."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField(
        "models.User", related_name="notice_preference", db_index=True, on_delete=fields.RESTRICT
    )
    email_enabled = fields.BooleanField(default=True)
    muted_kinds = fields.JSONField(default=list)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notice_preference"


class Notification(Model):
    """One person's inbox entry for one event; title and body are rendered when read, in the
    reader's language, from the params copied here."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="notifications", db_index=True, on_delete=fields.RESTRICT)
    event = fields.ForeignKeyField(
        "models.OutboxEvent", related_name="notifications", db_index=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=64)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField(null=True)
    params = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        unique_together = (("user", "event"),)
        indexes = (("user_id", "read_at"),)


class WebhookEndpoint(Model):
    """A partner system's receiver, registered by HQ's administrators for one unit: it gets a
    signed POST for each notice of a subscribed kind whose audience includes the unit."""

    id = fields.IntField(primary_key=True)
    unit = fields.ForeignKeyField(
        "models.OrgUnit", related_name="webhook_endpoints", db_index=True, on_delete=fields.RESTRICT
    )
    url = fields.CharField(max_length=500)
    secret = fields.CharField(max_length=128)  # the HMAC key: shown once, never read back through the API
    kinds = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_endpoint"


class NoticeDelivery(Model):
    """One send of one event by one channel to one target (a person's email or an endpoint).
    PENDING until the send returned (SENT), or until its last attempt failed (DEAD).
    `delivery_key` is the receiver's deduplication key; it never changes across attempts."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField(
        "models.OutboxEvent", related_name="deliveries", db_index=True, on_delete=fields.RESTRICT
    )
    channel = fields.CharField(max_length=16)
    user = fields.ForeignKeyField(
        "models.User", related_name="deliveries", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    endpoint = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", null=True, db_index=True, on_delete=fields.RESTRICT
    )
    delivery_key = fields.CharField(max_length=96, unique=True)
    status = fields.CharField(max_length=16, default="PENDING")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.CharField(max_length=300, null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notice_delivery"
        indexes = (("status", "next_attempt_at"),)
