"""Test databases: one migrated and seeded template per backend per run, then a cheap copy
for every test (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL).

PostgreSQL runs when TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) is
reachable; otherwise those tests skip with the reason, unless REQUIRE_POSTGRES=1."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from policies.authorizer import read_seed_policy
from server.seed import seed_demo
from server.settings import Settings
from store.config import tortoise_config
from store.migrate import apply_migrations

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
_counter = itertools.count()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def postgres_unavailable_reason() -> str | None:
    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as exc:  # any failure means "not reachable here"
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}"
    return None


def reset_orm_caches() -> None:
    """Tortoise caches INSERT statements per (connection name, table), not per dialect: a
    process that switches between SQLite and PostgreSQL (only this test suite does) would
    send SQLite placeholders to PostgreSQL. Clear the cache whenever the database changes."""
    EXECUTOR_CACHE.clear()


async def build_world(url: str) -> None:
    reset_orm_caches()
    await apply_migrations(url, read_seed_policy())
    await Tortoise.init(config=tortoise_config(url))
    try:
        await seed_demo(Settings().north_china)
    finally:
        await Tortoise.close_connections()


class SqliteWorlds:
    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite3"
        asyncio.run(build_world(f"sqlite://{self.template}"))

    def fresh(self) -> str:
        path = self.root / f"w{next(_counter)}.sqlite3"
        shutil.copyfile(self.template, path)  # the template was closed cleanly: WAL checkpointed
        return f"sqlite://{path}"

    def dispose(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresWorlds:
    name = "postgres"

    def __init__(self) -> None:
        self.prefix = f"surveil_test_{os.getpid()}"
        self.template = f"{self.prefix}_tpl"
        asyncio.run(self._recreate(self.template))
        asyncio.run(build_world(with_database(POSTGRES_URL, self.template)))

    async def _recreate(self, name: str, template: str | None = None) -> None:
        await _admin(f'DROP DATABASE IF EXISTS "{name}"')
        await _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    async def fresh_async(self) -> str:
        name = f"{self.prefix}_{next(_counter)}"
        await self._recreate(name, self.template)
        return with_database(POSTGRES_URL, name)

    async def dispose_async(self, url: str) -> None:
        await _admin(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}"')

    def close(self) -> None:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{self.template}"'))
