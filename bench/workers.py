"""The bench query against `surveil serve --workers 1` and `--workers 2`, side by side in one run.

    .venv/bin/python bench/workers.py        (or: make bench-workers)

Several processes need PostgreSQL (SQLite has one writer), so this builds the bench world in a
fresh PostgreSQL database (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/
surveil_bench_workers, dropped and created), starts both servers through the real CLI (with
REDIS_URL when Redis answers at BENCH_REDIS_URL, as a deployment of several processes runs),
then alternates the same closed-loop load between them, round after round, so that a change in
the machine's other work falls on both alike. Prints a Markdown report, also written to
bench/results/workers.md. See bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
from datetime import UTC, datetime

import httpx
import uvloop
from load import LoadResult, http_request, merged, run_load
from postgres_world import prepared_world, user_id
from run import LOGIN, QUERY, RESULTS, free_port, wait_until_up
from surveil_server import start_surveil, stop_gracefully

from server.auth import issue_dev_token
from server.settings import Settings

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/surveil_bench_workers")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_url() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return REDIS_URL


def report(args, counts: dict, rounds: dict[int, list[LoadResult]], redis: str | None, loadavg) -> str:
    rows = ["| workers | round | requests/s | p50 latency | p95 latency | errors |", "|---:|---:|---:|---:|---:|---:|"]
    for workers, results in rounds.items():
        for n, r in enumerate([*results, merged(results)], 1):
            label = "all" if n > len(results) else str(n)
            rows.append(
                f"| {workers} | {label} | {r.rps:,.0f} | {r.percentile(50):.1f} ms | {r.percentile(95):.1f} ms "
                f"| {r.errors} |"
            )
    one, two = merged(rounds[1]), merged(rounds[2])
    return f"""# Benchmark: one API process and two

{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, {os.cpu_count()} CPUs (the load
generator shares them), PostgreSQL on 127.0.0.1, {"Redis for policy changes" if redis else "no Redis"}.
Load average before measuring: {" / ".join(f"{x:.2f}" for x in loadavg)} (1/5/15 min).

Query as `{LOGIN}`: `{QUERY}`

World: {counts["factory"]:,} factories, {counts["certificate"]:,} certificates. Load: {args.concurrency}
keep-alive connections, closed loop, {args.warmup:g} s warm-up then {args.duration:g} s measured, the two
servers alternating for {args.rounds} rounds.

{chr(10).join(rows)}

**2 workers / 1 worker throughput: {two.rps / one.rps:.2f}×**
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring (default 2)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per turn (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="turns of each server, alternating (default 2)")
    parser.add_argument(
        "--reuse-world",
        action="store_true",
        help="keep the world an earlier run built (building it takes a minute or two); the servers refuse it if "
        "the migrations moved on since",
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    counts = asyncio.run(prepared_world(POSTGRES_URL, reuse=args.reuse_world))
    token = issue_dev_token(Settings(), asyncio.run(user_id(POSTGRES_URL, LOGIN)), LOGIN)
    redis = redis_url()
    ports = {1: free_port(), 2: free_port()}
    while ports[2] == ports[1]:
        ports[2] = free_port()
    servers = {
        workers: start_surveil(POSTGRES_URL, port, workers=workers, log_name=f"workers-{workers}", redis=redis)
        for workers, port in ports.items()
    }
    rounds: dict[int, list[LoadResult]] = {1: [], 2: []}
    try:
        for workers, proc in servers.items():
            wait_until_up(f"workers-{workers}", proc, ports[workers])
            answer = httpx.post(
                f"http://127.0.0.1:{ports[workers]}/graphql",
                json={"query": QUERY},
                headers={"authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            if "errors" in answer or answer["data"]["factories"]["totalCount"] != counts["factory"]:
                raise SystemExit(f"--workers {workers} answered unexpectedly: {str(answer)[:300]}")
        body = json.dumps({"query": QUERY}).encode()
        loadavg = os.getloadavg()
        for n in range(args.rounds):
            for workers in (1, 2):
                print(f"round {n + 1}: loading --workers {workers} for {args.warmup + args.duration:g} s …", flush=True)
                request = http_request(
                    "POST",
                    ports[workers],
                    "/graphql",
                    body,
                    {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                )
                rounds[workers].append(
                    uvloop.run(
                        run_load(
                            ports[workers],
                            request,
                            concurrency=args.concurrency,
                            warmup=args.warmup,
                            duration=args.duration,
                        )
                    )
                )
    finally:
        for proc in servers.values():
            stop_gracefully(proc)
    text = report(args, counts, rounds, redis, loadavg)
    (RESULTS / "workers.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"total {time.perf_counter() - started:.0f} s; written to {RESULTS / 'workers.md'}")


if __name__ == "__main__":
    main()
