"""One `surveil migrate` at a time per database, however many start together (compose replicas,
a rolling upgrade): PostgreSQL's session advisory lock on a fixed key, held on a connection of
its own from before the first migration until the seed policy is written. The others wait,
then find nothing left to do. A SQLite file takes an exclusive lock on a file beside it."""

from __future__ import annotations

import asyncio
import fcntl
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from store.readiness import DatabaseNotReady, shown, sqlite_file

# A constant every surveil process agrees on (bigint key of pg_advisory_lock): "surveil" in ASCII.
MIGRATE_LOCK_KEY = 0x73_75_72_76_65_69_6C
LOCK_SUFFIX = ".migrate-lock"


def _say_waiting(what: str) -> None:
    print(f"surveil migrate: another surveil migrate holds {what}; waiting for it to finish", file=sys.stderr)


@asynccontextmanager
async def migration_lock(database_url: str):
    path = sqlite_file(database_url)
    if path is not None:
        async with _file_lock(path):
            yield
        return
    credentials = dict(expand_db_url(database_url)["credentials"])
    connect = {key: credentials[key] for key in ("host", "port", "user", "password", "database") if key in credentials}
    try:
        conn = await asyncpg.connect(**connect, timeout=30)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        raise DatabaseNotReady(
            f"cannot reach the database at {shown(database_url)}: {exc}. Check DATABASE_URL; a PostgreSQL "
            "database must exist on the server (CREATE DATABASE) before `surveil migrate` fills it."
        ) from exc
    try:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATE_LOCK_KEY):
            _say_waiting(f"the migration lock of {shown(database_url)}")
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK_KEY)
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATE_LOCK_KEY)
    finally:
        await conn.close()  # also ends the lock if the unlock could not be sent


@asynccontextmanager
async def _file_lock(database: Path):
    lock_path = database.with_name(database.name + LOCK_SUFFIX)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say_waiting(str(lock_path))
            await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
