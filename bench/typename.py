"""The cost of GraphQL's fixed overhead: `{ __typename }` with a token vs the plain route.

    PYTHONPATH=. .venv/bin/python bench/typename.py      (or: make bench-typename)

`{ __typename }` reads no data: what it costs is authentication, parsing, validation, the
limit and budget extensions, execution's set-up and HTTP. Issue 17 asks for it at half the
plain route's throughput or better. Same world, servers and load generator as bench/run.py;
the three endpoints are loaded in turn, round after round, so that the machine's other work
falls on all of them alike. Prints a Markdown report (also bench/results/typename.md).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sqlite3
import time
from contextlib import closing

import uvloop
import world
from load import LoadResult, http_request, run_load
from run import DB_PATH, LOGIN, RESULTS, free_port, start_server, stop, wait_until_up

from server.auth import issue_dev_token
from server.settings import Settings

TYPENAME = json.dumps({"query": "{ __typename }"}).encode()


def merged(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        latencies_ms=[ms for r in results for ms in r.latencies_ms],
        client_cpu=sum(r.client_cpu for r in results) / len(results),
        server_cpu=None
        if any(r.server_cpu is None for r in results)
        else sum(r.server_cpu for r in results) / len(results),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring (default 1)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per endpoint and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the three endpoints (default 2)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    settings = dataclasses.replace(Settings(), database_url=f"sqlite://{DB_PATH}")
    counts = asyncio.run(world.build(DB_PATH, settings.north_china))
    with closing(sqlite3.connect(DB_PATH)) as db:
        (user_id,) = db.execute("SELECT id FROM app_user WHERE login = ?", (LOGIN,)).fetchone()
    token = issue_dev_token(settings, user_id, LOGIN)

    ports = {"graphql": free_port(), "plain": free_port()}
    while ports["plain"] == ports["graphql"]:
        ports["plain"] = free_port()
    servers = {kind: start_server(kind, port) for kind, port in ports.items()}
    json_type = {"Content-Type": "application/json"}
    endpoints = {  # name: (server, request)
        "`{ __typename }` with a token": (
            "graphql",
            http_request(
                "POST", ports["graphql"], "/graphql", TYPENAME, json_type | {"Authorization": f"Bearer {token}"}
            ),
        ),
        "`{ __typename }` anonymous": (
            "graphql",
            http_request("POST", ports["graphql"], "/graphql", TYPENAME, json_type),
        ),
        "plain Starlette + SQL `/factories`": ("plain", http_request("GET", ports["plain"], "/factories")),
    }
    results: dict[str, list[LoadResult]] = {name: [] for name in endpoints}
    try:
        for kind, proc in servers.items():
            wait_until_up(kind, proc, ports[kind])
        loadavg = os.getloadavg()
        for round_number in range(args.rounds):
            for name, (kind, request) in endpoints.items():
                print(f"round {round_number + 1}: {name} for {args.warmup + args.duration:g} s …", flush=True)
                results[name].append(
                    uvloop.run(
                        run_load(
                            ports[kind],
                            request,
                            concurrency=args.concurrency,
                            warmup=args.warmup,
                            duration=args.duration,
                            server_pid=servers[kind].pid,
                        )
                    )
                )
    finally:
        for proc in servers.values():
            stop(proc)
    text = report(args, counts, {name: merged(runs) for name, runs in results.items()}, loadavg)
    (RESULTS / "typename.md").write_text(text, encoding="utf-8")
    print()
    print(text)


def report(args, counts: dict, results: dict[str, LoadResult], loadavg: tuple[float, ...]) -> str:
    rows = [
        "| endpoint | requests/s | p50 latency | p95 latency | errors | server CPU |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        cpu = "n/a" if r.server_cpu is None else f"{r.server_cpu:.0%}"
        rows.append(
            f"| {name} | {r.rps:,.0f} | {r.percentile(50):.2f} ms | {r.percentile(95):.2f} ms | {r.errors} | {cpu} |"
        )
    with_token, anonymous, plain = results.values()
    return f"""# Benchmark: `{{ __typename }}` vs the plain route

{os.cpu_count()} CPUs, SQLite file database ({counts["factory"]:,} factories), uvicorn 1 worker each, as `{LOGIN}`.
Load average before measuring: {" / ".join(f"{x:.2f}" for x in loadavg)} (1/5/15 min).
Load: {args.concurrency} keep-alive connections, closed loop, {args.rounds} rounds of {args.warmup:g} s warm-up
and {args.duration:g} s measured per endpoint, endpoints alternating.

{chr(10).join(rows)}

**`{{ __typename }}` with a token / plain route throughput: {with_token.rps / plain.rps:.0%}**
(anonymous: {anonymous.rps / plain.rps:.0%}; issue 17's target: 50 % or more with a token)
"""


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.0f} s")
