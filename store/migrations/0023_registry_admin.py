"""Registry administration (issue 12): a person's e-mail, the implementation rule a certificate
was issued under, a merged duplicate factory's survivor (and the factory status MERGED), and
the policy lines of the administration commands, for databases seeded before them.

- `factory.status` stays VARCHAR(24); only its description (the list of values) changes: the
  column comment on PostgreSQL, the migration state only on SQLite (an AlterField there would
  rebuild the table and lose its indexes, as 0018 explains).
- tortoise's AddField of a foreign key creates no index (see 0019): `factory.merged_into_id`'s
  is created here under the name tortoise gives a field index.
- A fresh database gets the policy lines from policies/policy.csv with the rest of the seed."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from domain.enums import FactoryStatus
from store.migration_helpers import add_policy_lines

FACTORY_STATUSES = (
    "ACTIVE: ACTIVE\nPRODUCTION_STOPPED: PRODUCTION_STOPPED\nRELOCATED: RELOCATED\nCLOSED: CLOSED\nMERGED: MERGED"
)
MERGED_INTO_INDEX = ("idx_factory_merged__6153b9", "factory", "merged_into_id")

# Frozen copy of the lines as they were when registry administration arrived.
REGISTRY_ADMIN_LINES = [
    ("p", "planner", "unit:hq", "factory", "create"),
    ("p", "planner", "unit:hq", "factory", "close"),
    ("p", "planner", "unit:hq", "factory", "reopen"),
    ("p", "planner", "unit:hq", "factory", "merge"),
    ("p", "planner", "unit:hq", "certificate", "issue"),
    ("p", "planner", "unit:hq", "certificate", "renew"),
    ("p", "planner", "unit:hq", "certificate", "transfer"),
    ("p", "planner", "unit:hq", "certificate", "cancel"),
    ("p", "planner", "unit:hq", "product_category", "manage"),
    ("p", "policy_admin", "unit:hq", "org_unit", "manage"),
    ("p", "policy_admin", "unit:hq", "user", "manage"),
]


class DescribeField(ops.AlterField):
    """A change of description only: the comment on PostgreSQL, nothing on SQLite."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect == "postgres":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect == "postgres":
            await super().database_backward(app_label, old_state, new_state, state_editor)


async def create_merged_into_index(apps, schema_editor) -> None:
    name, table, column = MERGED_INTO_INDEX
    await schema_editor.client.execute_query(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


async def drop_merged_into_index(apps, schema_editor) -> None:
    await schema_editor.client.execute_query(f'DROP INDEX IF EXISTS "{MERGED_INTO_INDEX[0]}"')


async def add_registry_admin_policy(apps, schema_editor) -> None:
    await add_policy_lines(schema_editor.client, REGISTRY_ADMIN_LINES)


class Migration(migrations.Migration):
    dependencies = [("models", "0022_people_policy")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Certificate",
            name="implementation_rule",
            field=fields.CharField(null=True, max_length=64),
        ),
        DescribeField(
            model_name="Factory",
            name="status",
            field=fields.CharEnumField(
                db_index=True, description=FACTORY_STATUSES, enum_type=FactoryStatus, max_length=24
            ),
        ),
        ops.AddField(
            model_name="Factory",
            name="merged_into",
            field=fields.ForeignKeyField(
                "models.Factory",
                source_field="merged_into_id",
                null=True,
                db_index=True,
                db_constraint=True,
                to_field="id",
                related_name="merged_duplicates",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddField(
            model_name="User",
            name="email",
            field=fields.CharField(null=True, max_length=254),
        ),
        ops.RunPython(create_merged_into_index, drop_merged_into_index),
        ops.RunPython(add_registry_admin_policy),
    ]
