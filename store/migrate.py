"""Applying the committed migrations, then the seed policy when the policy table is empty."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.api import migrate as migrate_api

from store import policy_store
from store.config import create_sqlite_folder, tortoise_config


async def apply_migrations(database_url: str, seed_policy: list[tuple[str, ...]]) -> int:
    """Bring the schema to the latest migration; returns how many policy lines were seeded."""
    create_sqlite_folder(database_url)  # the one place a database may be created
    config = tortoise_config(database_url)
    try:
        await migrate_api(config=config)
    finally:  # also when a migration refuses: the next open starts clean
        await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        return await policy_store.seed_rules_if_empty(seed_policy)
    finally:
        await Tortoise.close_connections()
