"""Several `surveil migrate` started at once (compose replicas, a rolling upgrade) all succeed:
the migration lock lets one work while the others wait, then find nothing left to do. The
real installed command, real processes, a fresh database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from policies.authorizer import read_seed_policy
from store.readiness import known_migrations
from tests.databases import POSTGRES_URL, _admin, skip_without_postgres, with_database

SURVEIL = Path(sys.executable).with_name("surveil")
ROOT = Path(__file__).resolve().parents[2]
RUNS = 4


def _start_migrations(database_url: str, cwd: Path) -> list[subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SURVEIL_"))}
    env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code, whichever checkout the venv was installed from
    return [
        subprocess.Popen(
            [str(SURVEIL), "migrate"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(RUNS)
    ]


def _finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        results.append((process.returncode, out, err))
    return results


def _check(results: list[tuple[int, str, str]]) -> None:
    for code, out, err in results:
        assert code == 0, (out, err)
        assert "Traceback" not in err, err
    seeded = [out for _, out, _ in results if "seed policy lines loaded" in out]
    assert len(seeded) == 1, [out for _, out, _ in results]  # exactly one run seeded the policy


@pytest.fixture
def fresh_postgres():
    skip_without_postgres()
    name = f"surveil_test_migrate_race_{os.getpid()}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # a backend may still be closing
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    yield with_database(POSTGRES_URL, name)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # a backend may still be closing


async def _postgres_state(url: str) -> tuple[set[str], int, int, int]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        applied = {r["name"] for r in await conn.fetch("SELECT name FROM tortoise_migrations WHERE app = 'models'")}
        rows = await conn.fetchval("SELECT count(*) FROM tortoise_migrations")
        rules = await conn.fetchval("SELECT count(*) FROM policy_rule")
        distinct = await conn.fetchval(
            "SELECT count(*) FROM (SELECT DISTINCT ptype, v0, v1, v2, v3 FROM policy_rule) d"
        )
        revision = await conn.fetchval("SELECT revision FROM policy_revision WHERE id = 1")
        assert distinct == rules, "a policy line was seeded twice"
        return applied, rows, rules, revision
    finally:
        await conn.close()


def test_concurrent_migrations_on_postgres_all_succeed(fresh_postgres, tmp_path):
    _check(_finish(_start_migrations(fresh_postgres, tmp_path)))
    applied, rows, rules, revision = asyncio.run(_postgres_state(fresh_postgres))
    assert applied == known_migrations() and rows == len(applied)  # each migration recorded once
    assert rules == len(read_seed_policy()) and revision == 1
    # and once more, alone: nothing to do, nothing seeded again
    again = _finish(_start_migrations(fresh_postgres, tmp_path)[:1])
    assert again[0][0] == 0 and "seed policy" not in again[0][1], again
    assert asyncio.run(_postgres_state(fresh_postgres))[2:] == (rules, 1)


def test_concurrent_migrations_on_sqlite_all_succeed(tmp_path):
    database = tmp_path / "data" / "surveil.sqlite3"
    _check(_finish(_start_migrations(f"sqlite://{database}", tmp_path)))
    import sqlite3

    conn = sqlite3.connect(database)
    try:
        applied = [r[0] for r in conn.execute("SELECT name FROM tortoise_migrations")]
        rules = conn.execute("SELECT count(*) FROM policy_rule").fetchone()[0]
    finally:
        conn.close()
    assert sorted(applied) == sorted(known_migrations())
    assert rules == len(read_seed_policy())
