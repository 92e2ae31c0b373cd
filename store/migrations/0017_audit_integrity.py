"""Audit integrity: refuse REPLACE on SQLite, hash format v2 (work in progress: filled in by the change that owns it)."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0016_restore_sqlite_indexes")]

    operations = []
