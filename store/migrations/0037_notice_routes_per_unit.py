"""Notice routes per unit (issue 14, E): a route is (kind, role, unit), `unit` a unit code or
`*` (every unit, like a policy line's `unit:*`); the routes there were become `*`. HQ's policy
administrators now manage them through GraphQL (`addNoticeRoute`, `removeNoticeRoute`), so the
policy lines for that, for databases seeded before them. The CSV's lines that name a unit are
added here, once (no such line could exist before, so none was removed by an administrator).

SQLite keeps a table's UNIQUE constraint inside the table, so the table is rebuilt there;
PostgreSQL alters it in place."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from store.migration_helpers import ROUTES_CSV, add_policy_lines, per_dialect, read_route_lines

# Frozen copy of the lines as they were when routes became data per unit.
ROUTE_ADMIN_LINES = [
    ("p", "policy_admin", "unit:hq", "notice_route", "manage"),
    ("p", "policy_admin", "unit:hq", "notice_route", "read"),
    ("p", "planner", "unit:*", "notice_route", "read"),
]

SQLITE = """
CREATE TABLE "notice_route_new" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(64) NOT NULL,
    "role" VARCHAR(32) NOT NULL,
    "unit" VARCHAR(32) NOT NULL DEFAULT '*',
    CONSTRAINT "uid_notice_rout_kind_role_unit" UNIQUE ("kind", "role", "unit")
);
INSERT INTO "notice_route_new" ("id", "kind", "role", "unit") SELECT "id", "kind", "role", '*' FROM "notice_route";
DROP TABLE "notice_route";
ALTER TABLE "notice_route_new" RENAME TO "notice_route";
"""

POSTGRES = """
ALTER TABLE "notice_route" ADD COLUMN "unit" VARCHAR(32) NOT NULL DEFAULT '*';
DO $$
DECLARE c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'notice_route'::regclass AND contype = 'u' LOOP
        EXECUTE format('ALTER TABLE "notice_route" DROP CONSTRAINT %I', c);
    END LOOP;
END $$;
ALTER TABLE "notice_route" ADD CONSTRAINT "uid_notice_rout_kind_role_unit" UNIQUE ("kind", "role", "unit");
"""


async def seed_unit_routes(apps, schema_editor) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    insert = (
        "INSERT INTO notice_route (kind, role, unit) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        if postgres
        else "INSERT INTO notice_route (kind, role, unit) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    )
    for kind, role, unit in read_route_lines(ROUTES_CSV):
        if unit == "*":
            continue  # 0030 seeded those
        await client.execute_query(insert, [kind, role, unit])
    await add_policy_lines(client, ROUTE_ADMIN_LINES)


class DeclareField(ops.AddField):
    """Only the migration state changes: the step before already changed the database."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        return None


class Migration(migrations.Migration):
    # In the lead's chain this follows 0036_purchase_secrecy (written alongside); re-chained at merge.
    dependencies = [("models", "0036_purchase_secrecy")]

    initial = False

    operations = [
        ops.RunPython(per_dialect(SQLITE, POSTGRES), ops.RunPython.noop),
        DeclareField(model_name="NoticeRoute", name="unit", field=fields.CharField(max_length=32, default="*")),
        ops.AlterModelOptions(
            name="NoticeRoute",
            options={
                "unique_together": (("kind", "role", "unit"),),
                "pk_attr": "id",
                "table_description": "Who receives what: holders of `role` in an audience unit receive `kind` "
                "when `unit` is that unit's code or `*`.",
            },
        ),
        ops.RunPython(seed_unit_routes, ops.RunPython.noop),
    ]
