"""What a registry needs before anything can be imported into it (issue 12, bulk import):

- HQ, the unit `hq` (工厂检查部): the policy names `unit:hq`, so without it nobody can administer
  anything, and factories in North China or abroad have no responsible unit. Created unless a
  unit `hq`, or any unit of kind HQ, exists (every database seeded before has it).
- The product categories of the CCC catalogue (强制性产品认证目录), reference data certificates
  point to: each inserted unless a category of that code exists (an existing one is left as is).

Org units, people, factories and certificates then come from `surveil import`. Nothing here is
undone by a rollback of the migration: later data may already point at these rows."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# Frozen copy (a migration never changes): code, name, name_zh, implementation rule.
CATEGORIES = [
    ("C01", "Wires and cables", "电线电缆", "CNCA-C01-01:2014"),
    ("C02", "Circuit switches and protective devices", "电路开关及保护或连接用电器装置", "CNCA-C02-01:2014"),
    ("C03", "Low-voltage apparatus", "低压电器", "CNCA-C03-01:2014"),
    ("C04", "Small-power motors", "小功率电动机", "CNCA-C04-01:2014"),
    ("C05", "Electric tools", "电动工具", "CNCA-C05-01:2014"),
    ("C06", "Electric welding machines", "电焊机", "CNCA-C06-01:2014"),
    ("C07", "Household appliances", "家用和类似用途设备", "CNCA-C07-01:2017"),
    ("C08", "Audio and video equipment", "音视频设备", "CNCA-C08-01:2014"),
    ("C09", "Information technology equipment", "信息技术设备", "CNCA-C09-01:2014"),
    ("C10", "Lighting apparatus", "照明电器", "CNCA-C10-01:2014"),
    ("C16", "Telecommunication terminal equipment", "电信终端设备", "CNCA-C16-01:2014"),
]
HQ = ("hq", "HQ", "Factory Inspection Department", "工厂检查部")


INSERT_HQ = (
    "INSERT INTO org_unit (code, kind, name, name_zh, provinces, countries, regions, created_at) "
    "VALUES (?, ?, ?, ?, '[]', '[]', '[]', CURRENT_TIMESTAMP)"
)
INSERT_CATEGORY = (
    "INSERT INTO product_category (code, name, name_zh, implementation_rule) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (code) DO NOTHING"
)


def _for(client, sql: str) -> str:
    if client.capabilities.dialect != "postgres":
        return sql
    return sql.replace("?, ?, ?, ?", "$1, $2, $3, $4")


async def create_hq_and_categories(apps, schema_editor) -> None:
    client = schema_editor.client
    hq = await client.execute_query_dict("SELECT COUNT(*) AS n FROM org_unit WHERE code = 'hq' OR kind = 'HQ'")
    if not hq[0]["n"]:
        await client.execute_query(_for(client, INSERT_HQ), list(HQ))
    for row in CATEGORIES:
        await client.execute_query(_for(client, INSERT_CATEGORY), list(row))


class Migration(migrations.Migration):
    dependencies = [("models", "0024_task_numbers")]
    operations = [ops.RunPython(create_hq_and_categories, ops.RunPython.noop)]
