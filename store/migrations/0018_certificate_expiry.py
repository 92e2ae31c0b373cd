"""Certificates past expiresOn read as expired (work in progress: filled in by the change that owns it)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0017_audit_integrity")]

    operations = []
