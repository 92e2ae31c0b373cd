"""Bulk import benchmark: 100,000 certificates (and the 10,000 factories they need) imported
into fresh SQLite and PostgreSQL databases through the same command `surveil import` runs.

    .venv/bin/python bench/import_bench.py            (or: make bench-import)
    .venv/bin/python bench/import_bench.py --certificates 20000 --backends sqlite

Writes the files to bench/results/, migrates a scratch database per backend (PostgreSQL at
BENCH_POSTGRES_URL, default TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test, its
database `surveil_import_bench` dropped and created; skipped with the reason when unreachable),
imports units, factories and certificates, then the certificates again (a rerun: every row
unchanged), and prints rows per second as Markdown (also bench/results/import.md). Timed: from
the file's bytes to the committed transaction (reading, checking, look-ups, writes, audit)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import platform
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402
from tortoise.backends.base.executor import EXECUTOR_CACHE  # noqa: E402

from policies.authorizer import read_seed_policy  # noqa: E402
from server.settings import Settings  # noqa: E402
from services.imports.columns import ImportKind  # noqa: E402
from services.imports.common import prepare  # noqa: E402
from services.imports.run import import_as_system  # noqa: E402
from store.config import tortoise_config  # noqa: E402
from store.migrate import apply_migrations  # noqa: E402
from store.models import AuditEntry, Certificate  # noqa: E402

RESULTS = BENCH_DIR / "results"
PG_DATABASE = "surveil_import_bench"
SUBCENTRES = {
    "east": ["Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong"],
    "south": ["Guangdong", "Guangxi", "Hainan", "Hunan", "Hubei", "Henan"],
    "west": ["Sichuan", "Chongqing", "Yunnan", "Guizhou", "Shaanxi", "Gansu", "Xinjiang"],
}
CATEGORIES = ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10", "C16"]


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def files(certificates: int) -> dict[str, bytes]:
    factories = max(1, certificates // 10)
    places = [("CN", p) for provinces in SUBCENTRES.values() for p in provinces] + [("CN", "Beijing"), ("DE", "")]
    units = [["code", "kind", "name", "name_zh", "provinces", "countries"]]
    units += [[c, "SUBCENTER", c.title(), c, ";".join(p), ""] for c, p in SUBCENTRES.items()]
    units.append(["agency-de", "FOREIGN_AGENCY", "Agency DE", "德国", "", "DE"])
    factory_rows = [["code", "name", "address", "country", "province", "class"]]
    for n in range(factories):
        country, province = places[n % len(places)]
        factory_rows.append([f"B{n:06d}", f"Bench Works {n}", f"{n} Bench Road", country, province, "ABCD"[n % 4]])
    cert_rows = [["number", "holder", "factory_code", "category_code", "issued_on", "expires_on", "status"]]
    for n in range(certificates):
        issued = date(2022, 1, 1) + timedelta(days=n % 1400)
        expires = issued + timedelta(days=5 * 365 - 2)  # within the 5 years, leap days or not
        status = "SUSPENDED" if n % 50 == 0 else "VALID"
        cert_rows.append([f"BC{n:010d}", f"Holder {n // 10}", f"B{n // 10 % factories:06d}", CATEGORIES[n % 11],
                          issued.isoformat(), expires.isoformat(), status])  # fmt: skip
    return {"units": _csv(units), "factories": _csv(factory_rows), "certificates": _csv(cert_rows)}


async def _drop_create(admin_url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        await conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    finally:
        await conn.close()


async def _import(kind: str, data: bytes, north_china) -> tuple[float, object]:
    started = time.perf_counter()
    source = await asyncio.to_thread(prepare, ImportKind(kind), data, f"{kind}.csv")
    outcome = await import_as_system(source=source, north_china=north_china, dry_run=False, all_or_nothing=False)
    elapsed = time.perf_counter() - started
    assert not outcome.problems, outcome.problems[:5]
    return elapsed, outcome


async def run_backend(url: str, data: dict[str, bytes]) -> list[tuple[str, int, float]]:
    EXECUTOR_CACHE.clear()  # tortoise caches INSERTs per table, not per dialect (tests/databases.py)
    await apply_migrations(url, read_seed_policy())
    await Tortoise.init(config=tortoise_config(url))
    north = Settings().north_china
    timings = []
    try:
        for kind in ("units", "factories", "certificates"):
            elapsed, outcome = await _import(kind, data[kind], north)
            timings.append((kind, outcome.created, elapsed))
            print(f"  {kind}: {outcome.created} rows in {elapsed:.1f} s", flush=True)
        elapsed, outcome = await _import("certificates", data["certificates"], north)
        timings.append(("certificates, rerun (unchanged)", outcome.unchanged, elapsed))
        print(f"  rerun: {outcome.unchanged} unchanged rows in {elapsed:.1f} s", flush=True)
        assert await Certificate.all().count() >= outcome.unchanged
        print(f"  audit records: {await AuditEntry.all().count()}", flush=True)
    finally:
        await Tortoise.close_connections()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    data = files(args.certificates)
    for kind, content in data.items():
        (RESULTS / f"import-{kind}.csv").write_bytes(content)
    report = [f"Import benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}", "",
              "| backend | file | rows | seconds | rows/s |", "|---|---|---:|---:|---:|"]  # fmt: skip
    for backend in args.backends.split(","):
        if backend == "sqlite":
            path = RESULTS / "import-bench.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite://{path}"
        else:
            admin = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get(
                "TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
            )
            try:
                asyncio.run(_drop_create(admin))
            except Exception as exc:  # unreachable: say so and go on
                print(f"postgres skipped: {type(exc).__name__}: {exc}")
                report.append(f"| postgres | skipped: {exc} | | | |")
                continue
            url = admin.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
        print(f"{backend}:", flush=True)
        for kind, rows, seconds in asyncio.run(run_backend(url, data)):
            report.append(f"| {backend} | {kind} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} |")
    text = "\n".join(report) + "\n"
    (RESULTS / "import.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
