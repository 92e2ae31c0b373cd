"""Raw access to a test database, as someone holding the database file or a SQL login would
have it (no ORM, no triggers assumed), and the `surveil` CLI run against it."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager

import asyncpg
import pytest
from tortoise import Tortoise

from server.cli import main
from services import audit_log, work
from services.context import Actor
from store.config import tortoise_config
from store.db import transaction
from tests.databases import SqliteWorlds, reset_orm_caches

PLANNER = Actor(user_id=7, login="east.planner", unit_code="east")


class RawDb:
    """Statements are written with `?` placeholders; PostgreSQL gets `$n`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgres")

    def _pg(self, sql: str) -> str:
        counter = iter(range(1, 1000))
        return re.sub(r"\?", lambda _: f"${next(counter)}", sql)

    def fetch(self, sql: str, *args) -> list[dict]:
        if self.postgres:
            return asyncio.run(self._pg_run("fetch", sql, args))
        import sqlite3

        conn = sqlite3.connect(self.url.removeprefix("sqlite://"))
        conn.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in conn.execute(sql, args)]
        finally:
            conn.close()

    def execute(self, sql: str, *args) -> None:
        if self.postgres:
            asyncio.run(self._pg_run("execute", sql, args))
            return
        import sqlite3

        conn = sqlite3.connect(self.url.removeprefix("sqlite://"), isolation_level=None)
        try:
            conn.execute(sql, args)
        finally:
            conn.close()

    async def _pg_run(self, how: str, sql: str, args):
        conn = await asyncpg.connect(self.url.replace("postgres://", "postgresql://", 1))
        try:
            if how == "fetch":
                return [dict(row) for row in await conn.fetch(self._pg(sql), *args)]
            return await conn.execute(self._pg(sql), *args)
        finally:
            await conn.close()

    def columns(self, table: str = "audit_entry") -> list[str]:
        if self.postgres:
            rows = self.fetch("SELECT column_name AS name FROM information_schema.columns WHERE table_name = ?", table)
        else:
            rows = self.fetch(f"SELECT name FROM pragma_table_info('{table}')")
        return [r["name"] for r in rows]

    def drop_audit_triggers(self) -> None:
        """What an attacker with the file or an owner's login does first."""
        if self.postgres:
            self.execute("ALTER TABLE audit_entry DISABLE TRIGGER USER")
            return
        for name in ("audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_replace"):
            self.execute(f"DROP TRIGGER IF EXISTS {name}")

    def row(self, seq: int) -> dict:
        return self.fetch("SELECT * FROM audit_entry WHERE seq = ?", seq)[0]


def with_orm(url: str, fn):
    """Run fn() (a coroutine function) with the ORM open on url, as the CLI does."""

    async def run():
        await Tortoise.init(config=tortoise_config(url))
        try:
            return await fn()
        finally:
            await Tortoise.close_connections()

    return asyncio.run(run())


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `surveil argv...`, run in this process."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@asynccontextmanager
async def in_command(actor: Actor):
    """A command's transaction and unit of work, as the runner opens them, for writing records
    the application's way without a use case around them."""
    async with transaction():
        token = work.enter(work.Work("test", actor, None))
        try:
            yield
        finally:
            work.leave(token)


async def append_records(n: int, reason: str = "test") -> None:
    """n records written the application's way (inside a command's transaction)."""
    async with in_command(PLANNER):
        for i in range(n):
            await audit_log.record(
                "test.event", "Factory", i + 1, before={"i": i}, after={"i": i + 1}, reason=f"{reason} {i}"
            )


@pytest.fixture(name="audit_db")
def audit_db_fixture(worlds, monkeypatch):
    """A migrated, seeded copy of the test world with a few more records, as raw SQL access;
    DATABASE_URL points the CLI at it. Tests import it from here."""
    reset_orm_caches()
    url = worlds.fresh() if isinstance(worlds, SqliteWorlds) else asyncio.run(worlds.fresh_async())
    monkeypatch.setenv("DATABASE_URL", url)
    with_orm(url, lambda: append_records(6))
    yield RawDb(url)
    if isinstance(worlds, SqliteWorlds):
        worlds.dispose(url)
    else:
        asyncio.run(worlds.dispose_async(url))
