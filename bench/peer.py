"""Our API beside a real peer, PostGraphile 4, on the same PostgreSQL world and query shape.

    .venv/bin/python bench/peer.py        (or: make bench-peer)

Installs the pinned postgraphile from npm into bench/postgraphile/node_modules (ignored), builds
the bench world in a scratch PostgreSQL database (BENCH_PEER_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/surveil_bench_peer, dropped and created; --reuse-world keeps
it), starts `surveil serve --workers 1` through the real CLI and PostGraphile on it, checks that
both answer the same data, then alternates the same closed-loop load between them round after
round, at 8 connections and at one. Prints a Markdown report, also written to
bench/results/peer.md. Skips (exit 0, with the reason) where node/npm or PostgreSQL is missing.
See bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime

import httpx
import postgraphile_server as peer
import uvloop
from load import LoadResult, http_request, merged, run_load
from peer_answers import PEER_QUERY, comparable_ours, comparable_peer, differences
from postgres_world import postgres_problem, prepared_world, user_id
from run import LOGIN, QUERY, RESULTS, free_port, stop, wait_until_up
from surveil_server import start_surveil, stop_gracefully

from server.auth import issue_dev_token
from server.settings import Settings

POSTGRES_URL = os.environ.get("BENCH_PEER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/surveil_bench_peer")
SIDES = ("surveil", "PostGraphile")


def skip(reason: str) -> None:
    print(f"bench-peer skipped: {reason}")
    sys.exit(0)


def answers_agree(ports: dict[str, int], token: str, factories_in_db: int) -> None:
    ours = httpx.post(
        f"http://127.0.0.1:{ports['surveil']}/graphql",
        json={"query": QUERY},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    theirs = httpx.post(f"http://127.0.0.1:{ports['PostGraphile']}/graphql", json={"query": PEER_QUERY}, timeout=30)
    mapped = comparable_ours(ours), comparable_peer(theirs.json())
    found = differences(*mapped)
    if found:
        for name, answer in zip(("surveil", "postgraphile"), mapped, strict=True):
            (RESULTS / f"peer-{name}.json").write_text(json.dumps(answer, indent=1))
        raise SystemExit("the two APIs disagree:\n  " + "\n  ".join(found) + f"\nboth answers written to {RESULTS}")
    # PostGraphile applies no scope: equal data needs ours to see every factory too.
    if mapped[0]["totalCount"] != factories_in_db:
        raise SystemExit(f"{LOGIN} does not see every factory: the comparison would not be like for like")


def requests(ports: dict[str, int], token: str) -> dict[str, bytes]:
    headers = {"Content-Type": "application/json"}
    return {
        "surveil": http_request(
            "POST",
            ports["surveil"],
            "/graphql",
            json.dumps({"query": QUERY}).encode(),
            headers | {"Authorization": f"Bearer {token}"},
        ),
        "PostGraphile": http_request(
            "POST", ports["PostGraphile"], "/graphql", json.dumps({"query": PEER_QUERY}).encode(), headers
        ),
    }


def report(args, counts: dict, version: str, runs: dict[tuple[str, int], list[LoadResult]], loadavg) -> str:
    rows = [
        "| server | connections | round | requests/s | p50 latency | p95 latency | errors | server CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (side, connections), results in runs.items():
        for n, r in enumerate([*results, merged(results)], 1):
            label = "all" if n > len(results) else str(n)
            cpu = "" if r.server_cpu is None else f"{r.server_cpu:.0%}"
            rows.append(
                f"| {side} | {connections} | {label} | {r.rps:,.0f} | {r.percentile(50):.1f} ms "
                f"| {r.percentile(95):.1f} ms | {r.errors} | {cpu} |"
            )
    ours8, peer8 = merged(runs["surveil", args.concurrency]), merged(runs["PostGraphile", args.concurrency])
    ours1, peer1 = merged(runs["surveil", 1]), merged(runs["PostGraphile", 1])
    return f"""# Benchmark: surveil and PostGraphile {version} on the same world

{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, {os.cpu_count()} CPUs (the load
generator shares them), PostgreSQL on 127.0.0.1, both servers one process.
Load average before measuring: {" / ".join(f"{x:.2f}" for x in loadavg)} (1/5/15 min).

surveil, as `{LOGIN}` (bearer token; its scope covers every factory): `{QUERY}`

PostGraphile (no authentication, no scope: it reads every row): `{PEER_QUERY}`

World: {counts["factory"]:,} factories, {counts["certificate"]:,} certificates; both answers checked equal
(row ids, codes, names, classes, unit codes, certificate numbers and statuses, both totalCounts).
Load: closed loop, {args.warmup:g} s warm-up then {args.duration:g} s measured per turn, the two servers
alternating for {args.rounds} round(s), at {args.concurrency} keep-alive connections and at 1.

{chr(10).join(rows)}

Server CPU is the API process's CPU time over wall time in the measured window; PostgreSQL's
work (where PostGraphile builds its JSON) is not in it.

**surveil / PostGraphile throughput at {args.concurrency} connections: {ours8.rps / peer8.rps:.3f}×**
(PostGraphile serves {peer8.rps / ours8.rps:.1f}× as many requests)

**surveil / PostGraphile p50 latency at 1 connection: {ours1.percentile(50) / peer1.percentile(50):.1f}×**
({ours1.percentile(50):.1f} ms against {peer1.percentile(50):.1f} ms)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring (default 2)")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per turn (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="turns of each server, alternating (default 2)")
    parser.add_argument(
        "--reuse-world", action="store_true", help="keep the world an earlier run built at BENCH_PEER_POSTGRES_URL"
    )
    args = parser.parse_args()
    reason = peer.missing_tools() or asyncio.run(postgres_problem(POSTGRES_URL))
    if reason:
        skip(reason)
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    version = peer.install()
    counts = asyncio.run(prepared_world(POSTGRES_URL, reuse=args.reuse_world))
    token = issue_dev_token(Settings(), asyncio.run(user_id(POSTGRES_URL, LOGIN)), LOGIN)
    ports = {"surveil": free_port(), "PostGraphile": free_port()}
    while ports["PostGraphile"] == ports["surveil"]:
        ports["PostGraphile"] = free_port()
    peer_log = RESULTS / "server-postgraphile.log"
    # Every turn, plus a margin for starting and checking: PostGraphile stops by itself after that.
    lifetime = 2 * len(SIDES) * args.rounds * (args.warmup + args.duration) + 120
    servers = {
        "surveil": start_surveil(POSTGRES_URL, ports["surveil"], workers=1, log_name="peer-surveil", redis=None),
        "PostGraphile": peer.start_postgraphile(POSTGRES_URL, ports["PostGraphile"], peer_log, lifetime=lifetime),
    }
    connections = (args.concurrency, 1)
    runs: dict[tuple[str, int], list[LoadResult]] = {(side, c): [] for c in connections for side in SIDES}
    try:
        wait_until_up("peer-surveil", servers["surveil"], ports["surveil"])
        peer.wait_until_answering(servers["PostGraphile"], ports["PostGraphile"], peer_log)
        answers_agree(ports, token, counts["factory"])
        print("both APIs answer the same data", flush=True)
        request = requests(ports, token)
        loadavg = os.getloadavg()
        for n in range(args.rounds):
            for c in connections:
                for side in SIDES:
                    print(f"round {n + 1}: {side}, {c} connection(s), {args.warmup + args.duration:g} s …", flush=True)
                    load = run_load(
                        ports[side],
                        request[side],
                        concurrency=c,
                        warmup=args.warmup,
                        duration=args.duration,
                        server_pid=servers[side].pid,
                    )
                    runs[side, c].append(uvloop.run(load))
    finally:
        stop_gracefully(servers["surveil"])
        stop(servers["PostGraphile"])
    text = report(args, counts, version, runs, loadavg)
    (RESULTS / "peer.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"total {time.perf_counter() - started:.0f} s; written to {RESULTS / 'peer.md'}")


if __name__ == "__main__":
    main()
