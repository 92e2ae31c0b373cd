"""Migrating a database to a given migration, for the tests of upgrades from older versions."""


async def _migrate_to(url: str, target: str) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api import migrate

    from store.config import tortoise_config

    try:
        await migrate(config=tortoise_config(url), target=target)
    finally:
        await Tortoise.close_connections()
