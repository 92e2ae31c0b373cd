"""`tasks(first: 50) { totalCount … }` at 10k and at 1M surveillance tasks, on SQLite and PostgreSQL.

    .venv/bin/python bench/tasks_scale.py [--sizes 10000,1000000] [--databases sqlite,postgres]
                                          [--requests 40] [--reuse-world]      (or: make bench-tasks)

Each world: the committed migrations, seed policy and demo world, then N tasks bulk-loaded over
the demo factories (SQLite: one transaction, journal and sync off; PostgreSQL: COPY), then
ANALYZE. The query goes through the real app in-process (httpx.ASGITransport), one request at a
time, as a scoped planner, HQ's planner and an agency inspector. Prints a Markdown report with
the ratio of p50 at the largest size to p50 at the smallest, also written to bench/results/tasks.md.
See bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import httpx
from postgres_world import asyncpg_url, fresh_database
from tortoise import Tortoise

from domain.tasks import TaskKind, TaskStatus
from policies.authorizer import read_seed_policy
from server.app import create_app
from server.auth import issue_dev_token
from server.seed import seed_demo
from server.settings import Settings
from store.config import tortoise_config
from store.migrate import apply_migrations

RESULTS = Path(__file__).resolve().parent / "results"
POSTGRES_BASE = os.environ.get("BENCH_POSTGRES_BASE", "postgres://postgres@127.0.0.1:5432")
DB_PREFIX = "surveil_bench_tasks"
LOGINS = ("east.planner", "hq.planner", "agency.de.inspector")
QUERY = "query { tasks(first: 50) { totalCount nodes { id number status } } }"
COPY_BATCH = 100_000
SQLITE_BATCH = 50_000
KINDS = list(TaskKind)
STATUSES = list(TaskStatus)
COLUMNS = (
    "number", "kind", "status", "factory_id", "responsible_unit_id", "executing_unit_id", "enterprise_unit_id",
    "year", "due_on", "with_sampling", "unannounced", "purchase_secret", "complex", "escalated", "requirements",
    "disclosed_labs", "version", "created_at", "updated_at",
)  # fmt: skip


def _label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k"


def world_url(database: str, size: int) -> str:
    if database == "sqlite":
        return f"sqlite://{RESULTS / f'tasks-{_label(size)}.sqlite3'}"
    return f"{POSTGRES_BASE}/{DB_PREFIX}_{_label(size)}"


# --- the world -------------------------------------------------------------------------------


def task_rows(size: int, factories: list[tuple[int, int, int | None, int]]):
    """Tasks cycled over the demo factories: responsible unit from the factory, executed by its
    foreign agency where it has one, and one in three not yet known to the enterprise (an
    unannounced task before its start: no enterprise unit, so the enterprise cannot see it)."""
    now = datetime.now(UTC)
    for i in range(size):
        factory_id, responsible, agency, enterprise = factories[i % len(factories)]
        year = 2015 + i % 12
        yield (
            f"BENCH-{i:07d}", KINDS[i % len(KINDS)].value, STATUSES[i % len(STATUSES)].value, factory_id,
            responsible, agency or responsible, enterprise if i % 3 else None,
            year, date(year, 1 + i % 12, 1 + i % 28), False, i % 3 == 0, False, False, False, "", "[]", 1, now, now,
        )  # fmt: skip


async def _demo(url: str, north_china: tuple[str, ...]) -> list[tuple]:
    await apply_migrations(url, read_seed_policy())
    await Tortoise.init(config=tortoise_config(url))
    try:
        await seed_demo(north_china)
        conn = Tortoise.get_connection("default")
        _, rows = await conn.execute_query(
            "SELECT id, responsible_unit_id, agency_unit_id, enterprise_unit_id FROM factory "
            "WHERE enterprise_unit_id IS NOT NULL ORDER BY id"
        )
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]
    finally:
        await Tortoise.close_connections()


async def build_sqlite(url: str, size: int, north_china: tuple[str, ...]) -> None:
    path = url.removeprefix("sqlite://")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    factories = await _demo(url, north_china)
    insert = f"INSERT INTO surveillance_task ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        batch = []
        for row in task_rows(size, factories):
            batch.append(tuple(v.isoformat() if isinstance(v, datetime) else v for v in row))
            if len(batch) == SQLITE_BATCH:
                conn.executemany(insert, batch)
                batch.clear()
        conn.executemany(insert, batch)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode=WAL")  # as the app runs it


async def build_postgres(url: str, size: int, north_china: tuple[str, ...]) -> None:
    await fresh_database(url)
    factories = await _demo(url, north_china)
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        batch = []
        for row in task_rows(size, factories):
            batch.append(row)
            if len(batch) == COPY_BATCH:
                await conn.copy_records_to_table("surveillance_task", records=batch, columns=COLUMNS)
                batch.clear()
        await conn.copy_records_to_table("surveillance_task", records=batch, columns=COLUMNS)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def task_count(url: str) -> int | None:
    """The tasks of a world an earlier run left at `url`, or None where there is none."""
    try:
        if url.startswith("sqlite://"):
            path = url.removeprefix("sqlite://")
            if not Path(path).exists():
                return None
            with sqlite3.connect(path) as conn:
                return conn.execute("SELECT COUNT(*) FROM surveillance_task").fetchone()[0]
        conn = await asyncpg.connect(asyncpg_url(url), timeout=5)
        try:
            return await conn.fetchval("SELECT COUNT(*) FROM surveillance_task")
        finally:
            await conn.close()
    except (OSError, sqlite3.Error, asyncpg.PostgresError):
        return None


async def ensure_world(database: str, size: int, reuse: bool, north_china: tuple[str, ...]) -> float:
    """Seconds spent loading (0 when an earlier world of this size is reused)."""
    url = world_url(database, size)
    if reuse and (await task_count(url) or 0) >= size:
        return 0.0
    started = time.perf_counter()
    await (build_sqlite if database == "sqlite" else build_postgres)(url, size, north_china)
    return time.perf_counter() - started


# --- measuring -------------------------------------------------------------------------------


async def measure(url: str, requests: int) -> dict[str, dict]:
    """p50/p95 (ms) of the query per login, one request at a time, after a warm-up."""
    settings = dataclasses.replace(Settings(), database_url=url)
    app = create_app(settings)
    found = {}
    async with app.router.lifespan_context(app):
        rows = await Tortoise.get_connection("default").execute_query_dict("SELECT login, id FROM app_user")
        ids = {row["login"]: row["id"] for row in rows}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://in-process", timeout=120) as client:
            for login in LOGINS:
                headers = {"authorization": f"Bearer {issue_dev_token(settings, ids[login], login)}"}
                latencies = []
                for i in range(requests + 5):
                    started = time.perf_counter()
                    response = await client.post("/graphql", json={"query": QUERY}, headers=headers)
                    elapsed = (time.perf_counter() - started) * 1000
                    answer = response.json()
                    if "errors" in answer:
                        raise SystemExit(f"{login}: {json.dumps(answer['errors'])}")
                    if i >= 5:  # the first requests load policy and caches
                        latencies.append(elapsed)
                found[login] = {"total": answer["data"]["tasks"]["totalCount"], "latencies": latencies}
    return found


def merged(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Each login's latencies over every round, as p50 and p95."""
    found = {}
    for login in rounds[0]:
        latencies = sorted(x for r in rounds for x in r[login]["latencies"])
        found[login] = {
            "total": rounds[0][login]["total"],
            "p50": statistics.median(latencies),
            "p95": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
        }
    return found


def report(results: dict, loads: dict, sizes: list[int]) -> str:
    small, large = min(sizes), max(sizes)
    lines = [
        "# `tasks(first: 50) { totalCount nodes { id number status } }` at scale",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"in-process (httpx.ASGITransport), one request at a time, sizes in turn over several rounds; "
        f"load average at the end {os.getloadavg()[0]:.2f}.",
        "",
        "| database | tasks | login | totalCount | p50 | p95 | world loaded in |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for (database, size), per_login in results.items():
        load = loads[(database, size)]
        for login, r in per_login.items():
            took = f"{load:.0f} s" if load else "reused"
            lines.append(
                f"| {database} | {size:,} | {login} | {r['total']:,} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {took} |"
            )
    if small != large:
        lines += ["", f"Ratio of p50 at {large:,} to p50 at {small:,} tasks:", ""]
        for database in dict.fromkeys(d for d, _ in results):
            if (database, small) in results and (database, large) in results:
                ratios = ", ".join(
                    f"{login} {results[(database, large)][login]['p50'] / r['p50']:.2f}×"
                    for login, r in results[(database, small)].items()
                )
                lines.append(f"- {database}: {ratios}")
    return "\n".join(lines) + "\n"


def one(database: str, size: int, args) -> None:
    """One world measured, in a process of its own: Tortoise's caches belong to one backend."""
    load = asyncio.run(ensure_world(database, size, args.reuse_world, Settings().north_china))
    print(f"{database} {size:,}: world ready ({load:.0f} s)", file=sys.stderr, flush=True)
    found = asyncio.run(measure(world_url(database, size), args.requests))
    print(json.dumps({"load": load, "found": found}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=30, help="per login, size and round")
    parser.add_argument("--rounds", type=int, default=3, help="sizes measured in turn, round after round")
    parser.add_argument("--reuse-world", action="store_true", help="keep worlds an earlier run left")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # database:size, in a child process
    args = parser.parse_args()
    if args.one:
        database, size = args.one.split(":")
        return one(database, int(size), args)
    sizes = [int(s) for s in args.sizes.split(",")]
    RESULTS.mkdir(exist_ok=True)
    rounds, loads = {}, {}
    # Sizes alternate, round after round, so that the machine's other work falls on both alike.
    for database in args.databases.split(","):
        for turn in range(args.rounds):
            for size in sizes:
                command = [sys.executable, __file__, "--one", f"{database}:{size}", "--requests", str(args.requests)]
                command += ["--reuse-world"] if args.reuse_world or turn else []
                done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
                answer = json.loads(done.stdout.strip().splitlines()[-1])
                loads.setdefault((database, size), answer["load"])
                rounds.setdefault((database, size), []).append(answer["found"])
    results = {key: merged(found) for key, found in rounds.items()}
    text = report(results, loads, sizes)
    (RESULTS / "tasks.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
