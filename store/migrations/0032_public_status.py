"""The public certificate page looks a number up without regard to case, `WHERE upper(number) =
?` (services/public_status.py): an index on that expression, `certificate (upper(number))`,
serves it on SQLite (3.9+, which matches the query's expression to the index's) and on
PostgreSQL alike.

Not unique: the registry refuses a number that differs from another only in case
(services/registry_admin/certificates.py), but rows from before that rule, or from a race, must
not stop the migration; the page answers one of them."""

from tortoise import migrations
from tortoise.functions import Upper
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0031_reminders")]

    initial = False

    operations = [
        ops.AddIndex(model_name="Certificate", index=Index(Upper("number"), name="idx_certificate_number_upper")),
    ]
