"""Restore on SQLite the indexes and unique constraints that 0014's table rebuild dropped (work in progress: filled in by the change that owns it)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0015_archive")]

    operations = []
