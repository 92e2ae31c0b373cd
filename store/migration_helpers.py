"""Small, stable helpers for data migrations (kept apart from app code that may change)."""

from __future__ import annotations

from pathlib import Path

ROUTES_CSV = Path(__file__).resolve().parents[1] / "policies" / "notice_routes.csv"

SQLITE_INSERT = (
    "INSERT INTO policy_rule (ptype, v0, v1, v2, v3, created_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP) "
    "ON CONFLICT DO NOTHING"
)
POSTGRES_INSERT = SQLITE_INSERT.replace("?, ?, ?, ?, ?", "$1, $2, $3, $4, $5")


async def add_policy_lines(client, lines) -> None:
    """Add policy lines to a database seeded before they existed. An empty policy table is
    left alone: `surveil migrate` then loads the whole seed (policies/policy.csv) into it."""
    count = await client.execute_query_dict("SELECT COUNT(*) AS n FROM policy_rule")
    if not count[0]["n"]:
        return
    insert = POSTGRES_INSERT if client.capabilities.dialect == "postgres" else SQLITE_INSERT
    for ptype, *values in lines:
        await client.execute_query(insert, [ptype, *values])
    await client.execute_query("UPDATE policy_revision SET revision = revision + 1")


def per_dialect(sqlite: str, postgres: str):
    """A RunPython step running the script written for the database at hand."""

    async def run(apps, schema_editor) -> None:
        client = schema_editor.client
        await client.execute_script(postgres if client.capabilities.dialect == "postgres" else sqlite)

    return run


def read_route_lines(path: Path) -> list[tuple[str, str, str]]:
    """policies/notice_routes.csv's lines as (kind, role, unit): `kind, role[, unit]`, the unit
    a unit code or `*` (the default)."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if text and not text.startswith("#"):
            kind, role, *unit = (part.strip() for part in text.split(","))
            lines.append((kind, role, unit[0] if unit and unit[0] else "*"))
    return sorted(set(lines))
