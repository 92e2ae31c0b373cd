"""Raw access to a test database, as someone holding the database file or a SQL login would
have it (no ORM, no triggers assumed), and the `surveil` CLI run against it."""

from __future__ import annotations

import asyncio
import re

import asyncpg
from tortoise import Tortoise

from server.cli import main
from store.config import tortoise_config


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
