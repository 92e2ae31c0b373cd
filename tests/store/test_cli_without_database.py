"""The `surveil` command run where there is no database: it says what is wrong and how to fix
it, exits non-zero, and creates nothing. Only `surveil migrate` creates a database.

Run as a user would: the installed command, in an empty folder, without DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from server.cli import parser
from tests.databases import POSTGRES_URL, _admin, skip_without_postgres, with_database

SURVEIL = Path(sys.executable).with_name("surveil")

# Every command that reads or writes the database, with arguments that would otherwise work.
NEEDS_DATABASE = {
    "token": ["token", "--user", "east.planner"],
    "seed": ["seed", "--demo"],
    "audit": ["audit", "verify"],
    "certificates": ["certificates", "expire"],
    "archive": ["archive", "export", "1", "--out", "bundle.zip"],
    "stats": ["stats", "--from", "2026-01-01", "--to", "2026-12-31", "--out", "stats.csv"],
    "serve": ["serve", "--port", "0"],
    "worker": ["worker"],
    "import": ["import", "units", str(Path(__file__).resolve().parents[2] / "examples" / "units.csv")],
}
WITHOUT_DATABASE = {"migrate", "schema", "i18n", "mail-sink", "config"}  # migrate creates it; the others never open it


def surveil(args: list[str], cwd: Path, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SURVEIL_"))}
    if database_url is not None:  # "" is a DATABASE_URL set empty, not an unset one
        env["DATABASE_URL"] = database_url
    # serve must refuse before listening; the timeout only stops a regression from hanging the suite.
    return subprocess.run([str(SURVEIL), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_every_command_is_classified():
    commands = set(parser()._subparsers._group_actions[0].choices)
    assert commands == NEEDS_DATABASE.keys() | WITHOUT_DATABASE, "add the new command to one of the two lists"


@pytest.mark.parametrize("command", sorted(NEEDS_DATABASE))
def test_outside_the_project_folder_nothing_is_created(command, tmp_path):
    result = surveil(NEEDS_DATABASE[command], cwd=tmp_path)
    assert result.returncode == 2, result
    message = result.stderr
    assert f"no database at {tmp_path.resolve() / 'data' / 'surveil.sqlite3'}" in message, message
    assert "surveil migrate" in message and "DATABASE_URL" in message, message
    assert "Traceback" not in message, message
    assert list(tmp_path.iterdir()) == []


def test_a_database_url_to_a_missing_file_creates_nothing(tmp_path):
    target = tmp_path / "elsewhere" / "surveil.sqlite3"
    result = surveil(NEEDS_DATABASE["token"], cwd=tmp_path, database_url=f"sqlite://{target}")
    assert result.returncode == 2, result
    assert f"no database at {target.resolve()}" in result.stderr and "surveil migrate" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unmigrated_file_is_refused_and_left_as_it_was(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = surveil(NEEDS_DATABASE["token"], cwd=tmp_path, database_url=f"sqlite://{empty}")
    assert result.returncode == 2, result
    assert "has no schema (never migrated)" in result.stderr and "surveil migrate" in result.stderr, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["empty.sqlite3"] and empty.stat().st_size == 0


def test_a_database_behind_the_code_names_the_missing_migrations(tmp_path):
    from tests.store.migrations_support import _migrate_to

    path = tmp_path / "old.sqlite3"
    asyncio.run(_migrate_to(f"sqlite://{path}", "models.0015_archive"))
    result = surveil(NEEDS_DATABASE["audit"], cwd=tmp_path, database_url=f"sqlite://{path}")
    assert result.returncode == 2, result
    assert "is behind this version: migrations 0016_restore_sqlite_indexes" in result.stderr, result.stderr
    assert "Run `surveil migrate`" in result.stderr


def test_the_message_says_where_the_url_came_from(tmp_path):
    unset = surveil(NEEDS_DATABASE["token"], cwd=tmp_path)
    assert unset.returncode == 2, unset
    assert "the default, as DATABASE_URL is not set" in unset.stderr, unset.stderr
    assert "set by DATABASE_URL" not in unset.stderr, unset.stderr
    chosen = surveil(NEEDS_DATABASE["token"], cwd=tmp_path, database_url=f"sqlite://{tmp_path / 'x.sqlite3'}")
    assert chosen.returncode == 2, chosen
    assert "set by DATABASE_URL" in chosen.stderr and "the default" not in chosen.stderr, chosen.stderr
    assert list(tmp_path.iterdir()) == []


# Every form tortoise reads as a SQLite file: after sqlite:// comes the path, relative to the
# current folder, or absolute when it starts with / (so three slashes, or four).
SQLITE_URL_FORMS = {
    "relative": lambda root: "sqlite://data/a.sqlite3",
    "relative, with spaces and options": lambda root: "sqlite://my data/a b.sqlite3?journal_size_limit=1024",
    "absolute, three slashes": lambda root: f"sqlite://{root}/data/a.sqlite3",
    "absolute, four slashes": lambda root: f"sqlite:///{root}/data/a.sqlite3",
}


@pytest.mark.parametrize("form", sorted(SQLITE_URL_FORMS))
def test_every_sqlite_url_form_that_migrate_accepts_is_opened_by_the_other_commands(form, tmp_path):
    url = SQLITE_URL_FORMS[form](tmp_path)
    assert url.startswith("sqlite://") and url.count("/") >= 3
    migrated = surveil(["migrate"], cwd=tmp_path, database_url=url)
    assert migrated.returncode == 0, migrated
    audit = surveil(NEEDS_DATABASE["audit"], cwd=tmp_path, database_url=url)
    assert audit.returncode == 0 and "audit chain intact" in audit.stdout, audit
    token = surveil(["token", "--user", "nobody"], cwd=tmp_path, database_url=url)  # app_user exists, is read
    assert token.returncode == 1 and "no active user 'nobody'" in token.stderr, token
    assert "Traceback" not in audit.stderr + token.stderr


def test_an_in_memory_sqlite_database_is_refused_with_the_reason(tmp_path):
    result = surveil(NEEDS_DATABASE["token"], cwd=tmp_path, database_url="sqlite://:memory:")
    assert result.returncode == 2, result
    assert "in-memory SQLite database" in result.stderr and "DATABASE_URL" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


UNUSABLE_URLS = {
    "empty": ("", "DATABASE_URL is set but empty"),
    "unknown scheme": ("foo://x/db", "unknown scheme 'foo'"),
    "unsupported database": ("mysql://u:hunter2@h/db", "mysql databases are not supported"),
    "sqlite without a path": ("sqlite://", "No path specified"),
    "bad port": ("postgres://u:hunter2@h:port/db", "Port is not an integer"),
    "malformed": ("postgres://u:hunter2@[h/db", "cannot read the database URL"),
}


@pytest.mark.parametrize("command", ["migrate", "token", "audit"])
@pytest.mark.parametrize("case", sorted(UNUSABLE_URLS))
def test_an_unusable_database_url_is_refused_clearly(case, command, tmp_path):
    url, said = UNUSABLE_URLS[case]
    result = surveil(NEEDS_DATABASE.get(command, [command]), cwd=tmp_path, database_url=url)
    assert result.returncode == 2, result
    assert said in result.stderr and "DATABASE_URL" in result.stderr, result.stderr
    assert "sqlite://PATH" in result.stderr and "postgres://" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_migrate_creates_the_database_then_the_commands_work(tmp_path):
    assert surveil(["migrate"], cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "surveil.sqlite3").is_file()
    result = surveil(NEEDS_DATABASE["audit"], cwd=tmp_path)
    assert result.returncode == 0 and "audit chain intact" in result.stdout, result


@pytest.fixture
def postgres():
    """PostgreSQL is skipped with the reason when unreachable, as in conftest, unless required."""
    skip_without_postgres()


@pytest.fixture
def empty_postgres_database(postgres):
    name = f"surveil_test_unmigrated_{os.getpid()}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    yield with_database(POSTGRES_URL, name)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))


async def _tables(url: str) -> list[str]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return [r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    finally:
        await conn.close()


@pytest.mark.parametrize("command", ["token", "serve"])
def test_an_unmigrated_postgres_database_is_refused_and_left_empty(command, empty_postgres_database, tmp_path):
    result = surveil(NEEDS_DATABASE[command], cwd=tmp_path, database_url=empty_postgres_database)
    assert result.returncode == 2, result
    assert "has no schema (never migrated)" in result.stderr and "surveil migrate" in result.stderr, result.stderr
    assert asyncio.run(_tables(empty_postgres_database)) == []
    assert list(tmp_path.iterdir()) == []


def test_a_missing_postgres_database_is_named(postgres, tmp_path):
    missing = with_database(POSTGRES_URL, "surveil_test_no_such_database")
    result = surveil(NEEDS_DATABASE["token"], cwd=tmp_path, database_url=missing)
    assert result.returncode == 2, result
    assert f"cannot reach the database at {missing}" in result.stderr and "DATABASE_URL" in result.stderr, result
    assert "Traceback" not in result.stderr
