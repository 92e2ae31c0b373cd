"""Is the database there and fully migrated? Asked before any command uses it.

Only `surveil migrate` creates a database. Opening a missing SQLite file creates it (and
tortoise switches it to WAL), so SQLite is checked with the standard library first, in a
mode that never creates the file; PostgreSQL is checked on its connection. A URL the
commands cannot use (empty, unknown scheme, in-memory SQLite) is refused before anything opens."""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.backends.base.config_generator import DB_LOOKUP, expand_db_url
from tortoise.connection import get_connection
from tortoise.exceptions import BaseORMException, ConfigurationError

from store.config import APP_LABEL, tortoise_config

MIGRATIONS_TABLE = "tortoise_migrations"  # tortoise's MigrationRecorder default
FIX = "Run `surveil migrate` to create or update it, or set DATABASE_URL to the database you meant."
FORMS = (
    "DATABASE_URL takes sqlite://PATH (relative to the current folder, or absolute when PATH starts with /, "
    "e.g. sqlite:///srv/surveil/surveil.sqlite3) or postgres://USER:PASSWORD@HOST:PORT/DATABASE."
)
SQLITE_ENGINE = "tortoise.backends.sqlite"
POSTGRES_ENGINE = "tortoise.backends.asyncpg"


class DatabaseProblem(Exception):
    """Something about the database an operator must fix; the message says what and how."""


class DatabaseNotReady(DatabaseProblem):
    """The database is missing, unreachable, or not migrated to this version of the code."""


class UnusableDatabaseUrl(DatabaseProblem):
    """The URL names no database the commands can use."""


def known_migrations() -> set[str]:
    return {
        entry.name.removesuffix(".py")
        for entry in resources.files("store.migrations").iterdir()
        if re.fullmatch(r"\d{4}_\w+\.py", entry.name)
    }


USERINFO = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*:")  # scheme://user: (a password follows)
PASSWORD_PARAMETER = re.compile(r"([?&;]password=)[^&;#]*", re.IGNORECASE)  # tortoise reads ?password=


def shown(database_url: str) -> str:
    """The URL without its password, for messages: the one after `user:` and the one given as
    `?password=`. A password with an unencoded `/ ? #` does not parse as one (urllib ends the
    host there), so then everything from `user:` to the last `@` is hidden."""
    found = USERINFO.match(database_url)
    if found is not None:
        rest = database_url[found.end() :]
        first = rest.find("@")
        if first != -1:
            clean = not any(c in rest[:first] for c in "/?#")
            rest = rest[first + 1 :] if clean else rest[rest.rfind("@") + 1 :]
            database_url = f"{found.group()}***@{rest}"
    return PASSWORD_PARAMETER.sub(r"\1***", database_url)


def origin(database_url: str) -> str:
    """Where the URL came from, for messages: an operator who never set DATABASE_URL should
    not be told they did."""
    chosen = os.environ.get("DATABASE_URL")
    if chosen is None:
        return "the default, as DATABASE_URL is not set"
    return "set by DATABASE_URL" if chosen == database_url else "given to the command"


def _unusable(database_url: str, why: str) -> UnusableDatabaseUrl:
    return UnusableDatabaseUrl(
        f"cannot use the database URL {shown(database_url)!r} ({origin(database_url)}): {why}. {FORMS}"
    )


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names, read exactly as tortoise reads it (everything after
    `sqlite://` up to `?`, relative to the current folder unless it starts with /); None for
    PostgreSQL. UnusableDatabaseUrl for anything else, in-memory SQLite included: it starts
    empty for every command, so it can never be a migrated database."""
    if not database_url.strip():
        raise _unusable(database_url, "DATABASE_URL is set but empty")
    try:
        scheme = urlsplit(database_url).scheme
        if scheme not in DB_LOOKUP:
            raise _unusable(database_url, f"unknown scheme {scheme!r}")
        expanded = expand_db_url(database_url)
    except ConfigurationError as exc:  # "No path specified for DB_URL", "Port is not an integer"
        raise _unusable(database_url, str(exc)) from exc
    except ValueError as exc:  # urllib: a bracket in the host, a port out of range...
        raise _unusable(database_url, f"cannot read the database URL ({exc})") from exc
    if expanded["engine"] == POSTGRES_ENGINE:
        return None
    if expanded["engine"] != SQLITE_ENGINE:
        scheme = urlsplit(database_url).scheme
        raise _unusable(database_url, f"{scheme} databases are not supported, only SQLite and PostgreSQL")
    path = expanded["credentials"]["file_path"]
    if path == ":memory:":
        raise _unusable(
            database_url,
            "an in-memory SQLite database starts empty for every command, so it is never migrated; "
            "name a database file",
        )
    return Path(path)


def check_url(database_url: str) -> None:
    """Refuse a URL `surveil migrate` cannot use either, before it creates anything."""
    sqlite_file(database_url)


def _sqlite_applied(database_url: str, path: Path) -> set[str]:
    if not path.is_file():
        raise DatabaseNotReady(
            f"no database at {path.resolve()} (database URL {shown(database_url)}, {origin(database_url)}; a relative "
            f"path is read from the current folder, {Path.cwd()}). Nothing was created. {FIX}"
        )
    try:
        # mode=rw: never creates the file; an unmigrated file is left exactly as it was. as_uri()
        # percent-encodes the path and leaves the authority empty, whatever the URL's slashes.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
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
        if path is None:
            _require_complete(database_url, await _connected_applied(database_url))
        yield
    finally:
        await Tortoise.close_connections()


async def check_ready(database_url: str) -> None:
    async with ready_database(database_url):
        pass


async def pending_migrations() -> list[str]:
    """The committed migrations the connected database lacks (all of them when it was never
    migrated), for /ready; errors reaching the database propagate."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "sqlite":
        found = "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'tortoise_migrations'"
    else:
        found = "SELECT to_regclass('tortoise_migrations') IS NOT NULL AS n"
    if not (await conn.execute_query_dict(found))[0]["n"]:
        return sorted(known_migrations())
    query = f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = '{APP_LABEL}'"  # noqa: S608 - constants
    applied = {row["name"] for row in await conn.execute_query_dict(query)}
    return sorted(known_migrations() - applied)
