"""GraphQL vs a hand-written endpoint on the same query, same data, same machine.

    .venv/bin/python bench/run.py            (or: make bench)

Builds bench/results/bench.sqlite3 afresh, counts the SQL of one GraphQL request in-process,
starts both servers on 127.0.0.1, checks they answer the same, loads each in turn, and
prints a Markdown report (also written to bench/results/latest.md). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import platform
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvloop
import world
from load import LoadResult, http_request, run_load
from plain import CERTIFICATE_PAGE, FACTORY_PAGE, STATEMENTS_PER_REQUEST

from server.app import create_app
from server.auth import issue_dev_token
from server.settings import Settings

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
DB_PATH = RESULTS / "bench.sqlite3"
LOGIN = "hq.planner"
STARTUP_TIMEOUT_SECONDS = 30

QUERY = (
    f"query {{ factories(first: {FACTORY_PAGE}) {{ totalCount nodes {{ id code name classification "
    f"responsibleUnit {{ code }} certificates(first: {CERTIFICATE_PAGE}) "
    "{ totalCount nodes { number status } } } } }"
)


# --- SQL statements of one request ---------------------------------------------------------


class StatementLog(logging.Handler):
    """Tortoise logs every statement it sends at DEBUG on tortoise.db_client."""

    VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        if text.upper().startswith(self.VERBS):
            self.statements.append(text)


async def graphql_statements(settings: Settings, token: str) -> list[str]:
    """The statements of a steady-state request: the first request is sent uncounted, as the
    policy revision check it triggers happens at most once a second per process."""
    app = create_app(settings)
    body = {"query": QUERY}
    headers = {"authorization": f"Bearer {token}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://in-process") as client:
            (await client.post("/graphql", json=body, headers=headers)).raise_for_status()
            log = StatementLog()
            logger = logging.getLogger("tortoise.db_client")
            logger.addHandler(log)
            logger.setLevel(logging.DEBUG)
            try:
                response = await client.post("/graphql", json=body, headers=headers)
            finally:
                logger.removeHandler(log)
                logger.setLevel(logging.NOTSET)
            response.raise_for_status()
            assert "errors" not in response.json(), response.text
    return log.statements


def statement_summary(statements: list[str]) -> list[tuple[int, str]]:
    """Identical statements folded; long IN lists shortened so the shape stays readable."""
    shapes = Counter(re.sub(r"IN \(([^()]{60})[^()]*\)", r"IN (\1…)", s) for s in statements)
    return [(n, shape) for shape, n in shapes.most_common()]


# --- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(kind: str, port: int) -> subprocess.Popen:
    log = (RESULTS / f"server-{kind}.log").open("w")
    return subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "serve.py"), kind, str(DB_PATH), str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(kind: str, proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{kind} server exited; see {RESULTS / f'server-{kind}.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{kind} server did not start within {STARTUP_TIMEOUT_SECONDS} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check_same_answer(graphql_port: int, plain_port: int, token: str, factories_in_db: int) -> None:
    answer = httpx.post(
        f"http://127.0.0.1:{graphql_port}/graphql",
        json={"query": QUERY},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    if "errors" in answer:
        raise SystemExit(f"GraphQL answered with errors: {answer['errors']}")
    plain = httpx.get(f"http://127.0.0.1:{plain_port}/factories", timeout=30).json()
    if answer["data"] != plain:
        for path in (RESULTS / "graphql.json", RESULTS / "plain.json"):
            path.write_text(json.dumps(answer["data"] if "graphql" in path.name else plain, indent=1))
        raise SystemExit(f"the two endpoints disagree; both answers written to {RESULTS}")
    # The plain endpoint skips the scope filter; this shows the scope really covers everything.
    if answer["data"]["factories"]["totalCount"] != factories_in_db:
        raise SystemExit(f"{LOGIN} does not see every factory: the plain endpoint's shortcut is not valid")


# --- report ----------------------------------------------------------------------------------


def report(
    args, counts: dict, results: dict[str, LoadResult], statements: list[str], loadavg: tuple[float, ...]
) -> str:
    def cpu(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.0%}"

    rows = [
        "| endpoint | requests/s | p50 latency | p95 latency | errors | server CPU | load-generator CPU |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        rows.append(
            f"| {name} | {r.rps:,.0f} | {r.percentile(50):.1f} ms | {r.percentile(95):.1f} ms | {r.errors} "
            f"| {cpu(r.server_cpu)} | {cpu(r.client_cpu)} |"
        )
    graphql, plain = results.values()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    busy_client = [name for name, r in results.items() if r.client_cpu > 0.8]
    warning = (
        f"\n**Warning:** the load generator was near saturation for {', '.join(busy_client)}; "
        "its figure may be the client's limit.\n"
        if busy_client
        else ""
    )
    shapes = "\n".join(f"- {n} × `{shape}`" for n, shape in statement_summary(statements))
    return f"""# Benchmark: GraphQL vs plain Starlette

{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit} (plus uncommitted changes, if any);
Python {platform.python_version()}, {os.cpu_count()} CPUs, SQLite file database, uvicorn 1 worker each.
Load average before measuring: {" / ".join(f"{x:.2f}" for x in loadavg)} (1/5/15 min; anything
well above 0 means other work shared the CPUs and the figures are lower and noisier than on an idle machine).

Query as `{LOGIN}`: `{QUERY}`

World: {counts["factory"]:,} factories, {counts["certificate"]:,} certificates, {counts["org_unit"]} org units.
Load: {args.concurrency} keep-alive connections, closed loop, {args.warmup:g} s warm-up then {args.duration:g} s
measured per endpoint, one endpoint at a time, 127.0.0.1 only.

{chr(10).join(rows)}

**plain / GraphQL throughput: {plain.rps / graphql.rps:.1f}×**

**SQL statements per GraphQL request: {len(statements)}** (plain endpoint: {STATEMENTS_PER_REQUEST}). Steady state; the
policy revision check adds one more at most once a second.

{shapes}

CPU is CPU time over wall time for the measured window: a server at ~100% is saturating its
one core, so its figure is the server's limit rather than the load generator's.
{warning}"""


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (default 8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring (default 2)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per endpoint (default 10)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    settings = dataclasses.replace(Settings(), database_url=f"sqlite://{DB_PATH}")

    started = time.perf_counter()
    counts = asyncio.run(world.build(DB_PATH, settings.north_china))
    print(f"world built in {time.perf_counter() - started:.1f} s: {counts}", flush=True)

    with closing(sqlite3.connect(DB_PATH)) as db:
        (user_id,) = db.execute("SELECT id FROM app_user WHERE login = ?", (LOGIN,)).fetchone()
    token = issue_dev_token(settings, user_id, LOGIN)
    statements = asyncio.run(graphql_statements(settings, token))

    ports = {"graphql": free_port(), "plain": free_port()}
    while ports["plain"] == ports["graphql"]:  # both sockets were closed: the OS may reuse one
        ports["plain"] = free_port()
    servers = {kind: start_server(kind, port) for kind, port in ports.items()}
    try:
        for kind, proc in servers.items():
            wait_until_up(kind, proc, ports[kind])
        check_same_answer(ports["graphql"], ports["plain"], token, counts["factory"])
        print("both endpoints return the same data", flush=True)
        body = json.dumps({"query": QUERY}).encode()
        requests = {
            "graphql": http_request(
                "POST",
                ports["graphql"],
                "/graphql",
                body,
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            ),
            "plain": http_request("GET", ports["plain"], "/factories"),
        }
        loadavg = os.getloadavg()
        results = {}
        for kind, name in (("graphql", "GraphQL `/graphql`"), ("plain", "plain Starlette + SQL `/factories`")):
            print(f"loading {kind} for {args.warmup + args.duration:g} s …", flush=True)
            results[name] = uvloop.run(
                run_load(
                    ports[kind],
                    requests[kind],
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    duration=args.duration,
                    server_pid=servers[kind].pid,
                )
            )
    finally:
        for proc in servers.values():
            stop(proc)

    text = report(args, counts, results, statements, loadavg)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"total {time.perf_counter() - started:.0f} s; written to {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
