"""Three more notices (issue 14, E): results returned to the team, the enterprise's lab request
to the planners, a corrective action to the team. Only `lab_request.filed` needs a route (the
other two name their people); a database seeded before it gets the route here, once."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# Frozen copy of the route as it was when these notices arrived.
ROUTES = [("lab_request.filed", "planner")]


async def add_routes(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    insert = (
        "INSERT INTO notice_route (kind, role) SELECT $1::varchar, $2::varchar WHERE NOT EXISTS "
        "(SELECT 1 FROM notice_route WHERE kind = $1 AND role = $2)"
        if postgres
        else "INSERT INTO notice_route (kind, role) SELECT ?, ? WHERE NOT EXISTS "
        "(SELECT 1 FROM notice_route WHERE kind = ? AND role = ?)"
    )
    for kind, role in ROUTES:
        await client.execute_query(insert, [kind, role] if postgres else [kind, role, kind, role])


class Migration(migrations.Migration):
    dependencies = [("models", "0033_notice_fixes")]

    initial = False

    operations = [ops.RunPython(add_routes, ops.RunPython.noop)]
