"""Applying the committed migrations, then the seed policy when the policy table is empty, under
the migration lock (store/migrate_lock.py): several `surveil migrate` at once are safe."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.api import migrate as migrate_api

from store import fast_migrations, policy_store
from store.config import create_sqlite_folder, tortoise_config
from store.migrate_lock import migration_lock

fast_migrations.install()


async def apply_migrations(database_url: str, seed_policy: list[tuple[str, ...]]) -> int:
    """Bring the schema to the latest migration; returns how many policy lines were seeded."""
    create_sqlite_folder(database_url)  # the one place a database may be created
    async with migration_lock(database_url):
        return await _apply(database_url, seed_policy)


async def migrate_schema(database_url: str, target: str | None = None) -> None:
    """The migrations up to `target` (all when None), without the lock or the seed policy (the
    upgrade tests stop at an older migration); the connections they open are closed."""
    try:
        await migrate_api(config=tortoise_config(database_url), target=target)
    finally:  # also when a migration refuses: the next open starts clean
        await Tortoise.close_connections()


async def _apply(database_url: str, seed_policy: list[tuple[str, ...]]) -> int:
    config = tortoise_config(database_url)
    await migrate_schema(database_url)
    await Tortoise.init(config=config)
    try:
        return await policy_store.seed_rules_if_empty(seed_policy)
    finally:
        await Tortoise.close_connections()
