"""The bench world in a scratch PostgreSQL database, shared by the benchmarks that need
PostgreSQL (workers.py: several API processes; peer.py: PostGraphile beside our API)."""

from __future__ import annotations

import time

import asyncpg
import world

from policies.authorizer import read_seed_policy
from server.settings import Settings
from store.migrate import apply_migrations


def asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def postgres_problem(url: str) -> str | None:
    """Why the server of `url` cannot be used (None when its maintenance database answers)."""
    base, _ = url.rsplit("/", 1)
    try:
        conn = await asyncpg.connect(asyncpg_url(f"{base}/postgres"), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL does not answer at {base}: {exc}"
    await conn.close()
    return None


async def fresh_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(asyncpg_url(f"{base}/postgres"), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def existing_world(url: str) -> dict[str, int] | None:
    """The counts of a world an earlier run left at `url`, if there is one."""
    try:
        conn = await asyncpg.connect(asyncpg_url(url), timeout=5)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        counts = {table: await conn.fetchval(f"SELECT COUNT(*) FROM {table}") for table in world.COUNTED}
    except asyncpg.PostgresError:
        return None
    finally:
        await conn.close()
    return counts if counts["factory"] > world.BENCH_FACTORIES else None


async def prepared_world(url: str, *, reuse: bool) -> dict[str, int]:
    """The world's row counts: an earlier run's when `reuse` finds one, else built afresh
    in a dropped and re-created database."""
    started = time.perf_counter()
    counts = await existing_world(url) if reuse else None
    if counts is not None:
        # Brought up to this version's migrations (the world itself is what an earlier run built).
        await apply_migrations(url, read_seed_policy())
        print(f"world of an earlier run reused: {counts}", flush=True)
        return counts
    await fresh_database(url)
    counts = await world.build_at(url, Settings().north_china)
    print(f"world built in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
    return counts


async def user_id(url: str, login: str) -> int:
    conn = await asyncpg.connect(asyncpg_url(url), timeout=5)
    try:
        return await conn.fetchval("SELECT id FROM app_user WHERE login = $1", login)
    finally:
        await conn.close()
