"""Certificates past expiresOn read as expired: the certificate status gains EXPIRED (过期).

The columns stay VARCHAR(16); only the fields' description (their list of values) changes.
PostgreSQL keeps it as a column comment, so it is updated there. SQLite keeps no comments,
and an AlterField would rebuild both tables and lose their indexes, so it only moves the
migration state. Certificates already past expiry are moved by the expiry sweep (run at
start-up, hourly and by `surveil certificates expire`), which writes their status history and
audit records; a migration cannot write the audit chain."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from domain.enums import CertificateStatus

VALUES = "VALID: VALID\nSUSPENDED: SUSPENDED\nREVOKED: REVOKED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED"


class DescribeField(ops.AlterField):
    """A change of description only: the comment on PostgreSQL, nothing on SQLite."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect == "postgres":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect == "postgres":
            await super().database_backward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [("models", "0017_audit_integrity")]

    operations = [
        DescribeField(
            model_name="Certificate",
            name="status",
            field=fields.CharEnumField(db_index=True, description=VALUES, enum_type=CertificateStatus, max_length=16),
        ),
        DescribeField(
            model_name="CertificateStatusChange",
            name="from_status",
            field=fields.CharEnumField(null=True, description=VALUES, enum_type=CertificateStatus, max_length=16),
        ),
        DescribeField(
            model_name="CertificateStatusChange",
            name="to_status",
            field=fields.CharEnumField(description=VALUES, enum_type=CertificateStatus, max_length=16),
        ),
    ]
