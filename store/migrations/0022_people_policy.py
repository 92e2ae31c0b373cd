"""Policy lines for the people directory (people, for pickers), for databases seeded before it.

A fresh database gets them from policies/policy.csv with the rest of the seed."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from store.migration_helpers import add_policy_lines

# Frozen copy of the lines as they were when the directory arrived (a migration never changes).
PEOPLE_LINES = [
    ("p", "planner", "unit:*", "person", "read"),
    ("p", "planner", "unit:hq", "person", "read"),
    ("p", "policy_admin", "unit:hq", "person", "read"),
    ("p", "auditor", "unit:hq", "person", "read"),
]


async def add_people_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, PEOPLE_LINES)


class Migration(migrations.Migration):
    dependencies = [("models", "0021_audit_in_sequence")]
    operations = [ops.RunPython(add_people_policy)]
