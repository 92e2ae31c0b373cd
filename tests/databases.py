"""Test databases: one migrated and seeded template per backend per run, then a cheap copy
for every test (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL).

PostgreSQL runs when TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) is
reachable; otherwise those tests skip with the reason, unless REQUIRE_POSTGRES=1."""

from __future__ import annotations

import asyncio
import itertools
import os
import queue
import shutil
import threading
from contextlib import contextmanager
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


def skip_without_postgres() -> None:
    """Skip with the reason when PostgreSQL is unreachable; fail instead if it is required (CI)."""
    import pytest

    reason = postgres_unavailable_reason()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)


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
    """Copies of the template are made ahead, and dropped afterwards, by a worker thread:
    the server copies while the tests run Python, instead of each test waiting for it."""

    name = "postgres"
    AHEAD = 3
    WORKERS = 2

    def __init__(self) -> None:
        self.prefix = f"surveil_test_{os.getpid()}"
        self.template = f"{self.prefix}_tpl"
        asyncio.run(self._recreate(self.template))
        asyncio.run(build_world(with_database(POSTGRES_URL, self.template)))
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._workers = [
            threading.Thread(target=self._work, name=f"postgres-worlds-{n}", daemon=True) for n in range(self.WORKERS)
        ]
        for worker in self._workers:
            worker.start()
        for _ in range(self.AHEAD):
            self._jobs.put(("create", self._next_name()))

    def _next_name(self) -> str:
        return f"{self.prefix}_{next(_counter)}"

    async def _recreate(self, name: str, template: str | None = None) -> None:
        await _admin(f'DROP DATABASE IF EXISTS "{name}"')
        await _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def _work(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            while (job := self._jobs.get()) is not None:
                kind, name = job
                try:
                    if kind == "create":
                        loop.run_until_complete(self._recreate(name, self.template))
                        self._ready.put(name)
                    else:
                        loop.run_until_complete(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
                except Exception as exc:  # handed to the test waiting for a copy
                    if kind == "create":
                        self._ready.put(exc)
        finally:
            loop.close()

    async def fresh_async(self) -> str:
        self._jobs.put(("create", self._next_name()))  # keep the copies coming
        ready = await asyncio.to_thread(self._ready.get)
        if isinstance(ready, BaseException):
            raise ready
        return with_database(POSTGRES_URL, ready)

    async def dispose_async(self, url: str) -> None:
        self._jobs.put(("drop", urlsplit(url).path[1:]))

    def close(self) -> None:
        for _ in self._workers:
            self._jobs.put(None)
        for worker in self._workers:
            worker.join()
        leftovers = []
        while not self._ready.empty():
            item = self._ready.get()
            if isinstance(item, str):
                leftovers.append(item)
        for name in [*leftovers, self.template]:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))


@contextmanager
def empty_database(worlds, tmp_path: Path, label: str):
    """The URL of a database with no tables yet, on the backend of `worlds`: a file in tmp_path,
    or a PostgreSQL database created for the test and dropped after it."""
    reset_orm_caches()
    if isinstance(worlds, SqliteWorlds):
        yield f"sqlite://{tmp_path / f'{label}.sqlite3'}"
        return
    name = f"surveil_{label}_{os.getpid()}_{next(_counter)}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(POSTGRES_URL, name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
