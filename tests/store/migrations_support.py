"""Migrating a database to a given migration, for the tests of upgrades from older versions."""


async def _migrate_to(url: str, target: str) -> None:
    from store.migrate import migrate_schema

    await migrate_schema(url, target)


def empty_database(backend: str, tmp_path, label: str):
    """A database that does not exist yet (the migrations create it): a SQLite path, or a fresh
    PostgreSQL database named after `label` and dropped afterwards. Use with `yield from`."""
    import asyncio
    import os

    from tests.databases import POSTGRES_URL, _admin, reset_orm_caches, skip_without_postgres, with_database

    reset_orm_caches()
    if backend == "sqlite":
        yield f"sqlite://{tmp_path / 'old.sqlite3'}"
        return
    skip_without_postgres()
    name = f"surveil_test_{label}_{os.getpid()}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(POSTGRES_URL, name)
    finally:
        reset_orm_caches()
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
