"""Delivery of notices (issue 14, E): who receives what (`notice_route`, seeded from
policies/notice_routes.csv), each person's channels (`notice_preference`), the inbox
(`notification`), partner systems' receivers (`webhook_endpoint`) and each send with its
retries (`notice_delivery`); and the policy lines that let HQ's administrators manage webhooks
and the dead letters, for databases seeded before them."""

from pathlib import Path

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from store.migration_helpers import add_policy_lines, read_route_lines

ROUTES_CSV = Path(__file__).resolve().parents[2] / "policies" / "notice_routes.csv"
# Frozen copy of the lines as they were when notice delivery arrived.
DELIVERY_LINES = [
    ("p", "policy_admin", "unit:hq", "webhook", "manage"),
    ("p", "policy_admin", "unit:hq", "notice_delivery", "manage"),
]


async def seed_routes(apps, schema_editor) -> None:
    """The routes of the CSV as it is when this migration runs (later edits need a migration)."""
    client = schema_editor.client
    insert = "INSERT INTO notice_route (kind, role) VALUES (?, ?)"
    if client.capabilities.dialect == "postgres":
        insert = "INSERT INTO notice_route (kind, role) VALUES ($1, $2)"
    for kind, role in read_routes(ROUTES_CSV):
        await client.execute_query(insert, [kind, role])
    await add_policy_lines(client, DELIVERY_LINES)


def read_routes(path: Path) -> list[tuple[str, str]]:
    # The lines for every unit (`*`); 0037 added the unit column and the lines naming a unit.
    return [(kind, role) for kind, role, unit in read_route_lines(path) if unit == "*"]


class Migration(migrations.Migration):
    dependencies = [("models", "0029_outbox")]

    initial = False

    operations = [
        ops.CreateModel(
            name="NoticePreference",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.OneToOneField(
                        "models.User",
                        source_field="user_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notice_preference",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("email_enabled", fields.BooleanField(default=True)),
                ("muted_kinds", fields.JSONField(default=list)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "notice_preference",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A person's channels: email on/off and the kinds muted from email.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NoticeRoute",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=64)),
                ("role", fields.CharField(max_length=32)),
            ],
            options={
                "table": "notice_route",
                "app": "models",
                "unique_together": (("kind", "role"),),
                "pk_attr": "id",
                "table_description": "Who receives what: holders of `role` in an audience unit receive `kind`.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Notification",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.OutboxEvent",
                        source_field="event_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("kind", fields.CharField(max_length=64)),
                ("subject_type", fields.CharField(max_length=32)),
                ("subject_id", fields.IntField(null=True)),
                ("params", fields.JSONField(default=dict)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "notification",
                "app": "models",
                "unique_together": (("user", "event"),),
                "indexes": [Index(fields=["user_id", "read_at"])],
                "pk_attr": "id",
                "table_description": "One person's inbox entry for one event, rendered when read.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookEndpoint",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.OrgUnit",
                        source_field="unit_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="webhook_endpoints",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("url", fields.CharField(max_length=500)),
                ("secret", fields.CharField(max_length=128)),
                ("kinds", fields.JSONField(default=list)),
                ("active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "webhook_endpoint",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A partner system's receiver of signed notices, for one unit.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NoticeDelivery",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.OutboxEvent",
                        source_field="event_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("channel", fields.CharField(max_length=16)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "endpoint",
                    fields.ForeignKeyField(
                        "models.WebhookEndpoint",
                        source_field="endpoint_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("delivery_key", fields.CharField(unique=True, max_length=96)),
                ("status", fields.CharField(default="PENDING", max_length=16)),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_error", fields.CharField(null=True, max_length=300)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "notice_delivery",
                "app": "models",
                "indexes": [Index(fields=["status", "next_attempt_at"])],
                "pk_attr": "id",
                "table_description": "One send of one event by one channel to one target, with its retries.",
            },
            bases=["Model"],
        ),
        ops.RunPython(seed_routes, ops.RunPython.noop),
    ]
