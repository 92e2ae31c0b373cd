"""Every mutation accepts an idempotencyKey: the record keeps the first answer (the payload's
objects by global id, its counts and values) so that a replay can return it."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0019_foreign_key_indexes")]

    operations = [
        ops.AddField(model_name="IdempotencyRecord", name="answer", field=fields.TextField(null=True)),
    ]
