"""Is the database there and fully migrated? Asked before any command uses it.

Only `surveil migrate` creates a database. Opening a missing SQLite file creates it (and
tortoise switches it to WAL), so SQLite is checked with the standard library first, in a
mode that never creates the file; PostgreSQL is checked on its connection."""

from __future__ import annotations

import re
import sqlite3
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection
from tortoise.exceptions import BaseORMException

from store.config import APP_LABEL, tortoise_config

MIGRATIONS_TABLE = "tortoise_migrations"  # tortoise's MigrationRecorder default
FIX = "Run `surveil migrate` to create or update it, or set DATABASE_URL to the database you meant."


class DatabaseProblem(Exception):
    """Something about the database an operator must fix; the message says what and how."""


class DatabaseNotReady(DatabaseProblem):
    """The database is missing, unreachable, or not migrated to this version of the code."""


def known_migrations() -> set[str]:
    return {
        entry.name.removesuffix(".py")
        for entry in resources.files("store.migrations").iterdir()
        if re.fullmatch(r"\d{4}_\w+\.py", entry.name)
    }


def shown(database_url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(database_url)
    if "@" not in parts.netloc:
        return database_url
    userinfo, host = parts.netloc.rsplit("@", 1)
    if ":" not in userinfo:
        return database_url
    return urlunsplit(parts._replace(netloc=f"{userinfo.split(':', 1)[0]}:***@{host}"))


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names, as tortoise resolves it (relative to the current folder);
    None for other databases and in-memory SQLite."""
    if not database_url.startswith("sqlite:"):
        return None
    path = expand_db_url(database_url)["credentials"]["file_path"]
    return None if path == ":memory:" else Path(path)


def _sqlite_applied(database_url: str, path: Path) -> set[str]:
    if not path.is_file():
        raise DatabaseNotReady(
            f"no database at {path.resolve()} (database URL {shown(database_url)}, set by DATABASE_URL; a relative "
            f"path is read from the current folder, {Path.cwd()}). Nothing was created. {FIX}"
        )
    try:
        # mode=rw: never creates the file; an unmigrated file is left exactly as it was.
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseNotReady(f"cannot open the database at {path.resolve()}: {exc}. {FIX}") from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if MIGRATIONS_TABLE not in tables:
            return set()
        query = f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = ?"  # noqa: S608 - a constant
        return {row[0] for row in conn.execute(query, (APP_LABEL,))}
    except sqlite3.DatabaseError as exc:
        raise DatabaseNotReady(f"{path.resolve()} is not a usable SQLite database: {exc}. {FIX}") from exc
    finally:
        conn.close()


async def _connected_applied(database_url: str) -> set[str]:
    conn = get_connection("default")
    try:
        present = await conn.execute_query_dict("SELECT to_regclass($1) IS NOT NULL AS present", [MIGRATIONS_TABLE])
        if not present[0]["present"]:
            return set()
        query = f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = $1"  # noqa: S608 - a constant
        return {row["name"] for row in await conn.execute_query_dict(query, [APP_LABEL])}
    except (BaseORMException, OSError) as exc:
        raise DatabaseNotReady(
            f"cannot reach the database at {shown(database_url)}: {exc}. Check DATABASE_URL; a PostgreSQL "
            "database must exist on the server (CREATE DATABASE) before `surveil migrate` fills it."
        ) from exc


def _require_complete(database_url: str, applied: set[str]) -> None:
    if not applied:
        raise DatabaseNotReady(f"the database at {shown(database_url)} has no schema (never migrated). {FIX}")
    missing = sorted(known_migrations() - applied)
    if missing:
        raise DatabaseNotReady(
            f"the database at {shown(database_url)} is behind this version: migrations {', '.join(missing)} "
            "are not applied. Run `surveil migrate`."
        )


@asynccontextmanager
async def ready_database(database_url: str):
    """The ORM on a database that exists and has every migration applied; otherwise
    DatabaseNotReady, with nothing created or changed."""
    path = sqlite_file(database_url)
    if path is not None:
        _require_complete(database_url, _sqlite_applied(database_url, path))
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        if path is None and not database_url.startswith("sqlite:"):
            _require_complete(database_url, await _connected_applied(database_url))
        yield
    finally:
        await Tortoise.close_connections()


async def check_ready(database_url: str) -> None:
    async with ready_database(database_url):
        pass
