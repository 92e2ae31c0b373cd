"""Applying the committed migrations, then the seed policy when the policy table is empty, under
the migration lock (store/migrate_lock.py): several `surveil migrate` at once are safe."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.api import migrate as migrate_api

from store import policy_store
from store.config import create_sqlite_folder, tortoise_config
from store.migrate_lock import migration_lock


async def apply_migrations(database_url: str, seed_policy: list[tuple[str, ...]]) -> int:
    """Bring the schema to the latest migration; returns how many policy lines were seeded."""
    create_sqlite_folder(database_url)  # the one place a database may be created
    async with migration_lock(database_url):
        return await _apply(database_url, seed_policy)


async def _apply(database_url: str, seed_policy: list[tuple[str, ...]]) -> int:
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
