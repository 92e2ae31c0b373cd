"""Policy lines for surveillance tasks, for databases seeded before tasks existed.

A fresh database gets them from policies/policy.csv with the rest of the seed (the seed
loads only into an empty table, so this migration leaves an empty table alone)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from policies.authorizer import read_seed_policy

SQLITE_INSERT = (
    "INSERT INTO policy_rule (ptype, v0, v1, v2, v3, created_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP) "
    "ON CONFLICT DO NOTHING"
)
POSTGRES_INSERT = SQLITE_INSERT.replace("?, ?, ?, ?, ?", "$1, $2, $3, $4, $5")


def _task_lines() -> list[tuple[str, ...]]:
    return [line for line in read_seed_policy() if line[0] == "p" and line[3].startswith("task")]


async def add_task_policy(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    count = await client.execute_query_dict("SELECT COUNT(*) AS n FROM policy_rule")
    if not count[0]["n"]:
        return
    insert = POSTGRES_INSERT if postgres else SQLITE_INSERT
    for ptype, *values in _task_lines():
        await client.execute_query(insert, [ptype, *values])
    await client.execute_query("UPDATE policy_revision SET revision = revision + 1")


class Migration(migrations.Migration):
    dependencies = [("models", "0003_surveillance_tasks")]

    operations = [ops.RunPython(add_task_policy, ops.RunPython.noop)]
