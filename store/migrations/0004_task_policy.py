"""Policy lines for surveillance tasks, for databases seeded before tasks existed.

A fresh database gets them from policies/policy.csv with the rest of the seed (the seed
loads only into an empty table, so this migration leaves an empty table alone)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from store.migration_helpers import add_policy_lines

# Frozen copy of the task lines as they were when tasks arrived (a migration never changes).
TASK_LINES = [
    ("p", "planner", "unit:*", "task", "read"),
    ("p", "planner", "unit:*", "task", "plan"),
    ("p", "planner", "unit:*", "task", "issue"),
    ("p", "planner", "unit:*", "task", "split"),
    ("p", "planner", "unit:*", "task", "assign_team"),
    ("p", "planner", "unit:*", "task", "handle_exception"),
    ("p", "planner", "unit:*", "task", "cancel"),
    ("p", "planner", "unit:*", "task.internal", "read"),
    ("p", "inspector", "unit:*", "task", "read"),
    ("p", "inspector", "unit:*", "task", "start"),
    ("p", "inspector", "unit:*", "task", "report_exception"),
    ("p", "inspector", "unit:*", "task.internal", "read"),
    ("p", "reviewer", "unit:*", "task", "read"),
    ("p", "reviewer", "unit:*", "task.internal", "read"),
    ("p", "decider", "unit:*", "task", "read"),
    ("p", "decider", "unit:*", "task.internal", "read"),
    ("p", "archivist", "unit:*", "task", "read"),
    ("p", "archivist", "unit:*", "task.internal", "read"),
    ("p", "planner", "unit:hq", "task", "read"),
    ("p", "planner", "unit:hq", "task", "plan"),
    ("p", "planner", "unit:hq", "task", "issue"),
    ("p", "planner", "unit:hq", "task", "split"),
    ("p", "planner", "unit:hq", "task", "assign_team"),
    ("p", "planner", "unit:hq", "task", "handle_exception"),
    ("p", "planner", "unit:hq", "task", "cancel"),
    ("p", "planner", "unit:hq", "task", "delegate"),
    ("p", "planner", "unit:hq", "task.internal", "read"),
    ("p", "reviewer", "unit:hq", "task", "read"),
    ("p", "reviewer", "unit:hq", "task.internal", "read"),
    ("p", "decider", "unit:hq", "task", "read"),
    ("p", "decider", "unit:hq", "task.internal", "read"),
    ("p", "archivist", "unit:hq", "task", "read"),
    ("p", "archivist", "unit:hq", "task.internal", "read"),
    ("p", "auditor", "unit:hq", "task", "read"),
    ("p", "auditor", "unit:hq", "task.internal", "read"),
    ("p", "agency_inspector", "unit:*", "task", "read"),
    ("p", "agency_inspector", "unit:*", "task", "start"),
    ("p", "agency_inspector", "unit:*", "task", "report_exception"),
    ("p", "agency_inspector", "unit:*", "task.internal", "read"),
    ("p", "enterprise", "unit:*", "task", "read"),
]


async def add_task_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, TASK_LINES)


class Migration(migrations.Migration):
    dependencies = [("models", "0003_surveillance_tasks")]

    operations = [ops.RunPython(add_task_policy, ops.RunPython.noop)]
