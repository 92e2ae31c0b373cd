"""PostGraphile 4, the peer of bench/peer.py: installed from npm into bench/postgraphile/node_modules
(ignored; bench/postgraphile/package.json and its lock file pin the version) and run with the
machine's node on the bench database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx

PEER_DIR = Path(__file__).resolve().parent / "postgraphile"
CLI = PEER_DIR / "node_modules" / "postgraphile" / "cli.js"
SERVE = PEER_DIR / "serve.js"  # the CLI, plus a stop when the benchmark is gone
INSTALL_TIMEOUT_SECONDS = 300
STARTUP_TIMEOUT_SECONDS = 60


def missing_tools(path: str | None = None) -> str | None:
    """Why PostGraphile cannot be installed and run here (None when node and npm are on `path`,
    default $PATH)."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool, path=path) is None]
    if missing:
        return f"{' and '.join(missing)} not found on PATH: PostGraphile needs Node.js and npm"
    return None


def pinned_version() -> str:
    return json.loads((PEER_DIR / "package.json").read_text())["dependencies"]["postgraphile"]


def installed_version() -> str | None:
    try:
        return json.loads((CLI.parent / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def install() -> str:
    """The pinned PostGraphile in node_modules (`npm ci` from the lock file unless it is there
    already); returns its version."""
    if installed_version() != pinned_version():
        print(f"installing postgraphile@{pinned_version()} with npm ci …", flush=True)
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PEER_DIR,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"npm ci failed in {PEER_DIR} (exit {done.returncode}):\n{done.stderr[-2000:]}")
    version = installed_version()
    if version != pinned_version():
        raise SystemExit(f"npm installed postgraphile {version}, not the pinned {pinned_version()}")
    return version


def command(database_url: str, port: int) -> list[str]:
    # node itself rather than npx: one process, whose pid the load generator samples.
    return [
        "node",
        str(SERVE),
        "--connection",
        database_url,
        "--schema",
        "public",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--disable-graphiql",
        "--no-setof-functions-contain-nulls",
        # No line per request, as our server at log level WARNING writes none.
        "--disable-query-log",
    ]


def start_postgraphile(database_url: str, port: int, log: Path, *, lifetime: float) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TZ")}
    env["NODE_ENV"] = "production"  # as deployed: no development-only checks
    env["BENCH_PEER_LIFETIME_SECONDS"] = str(round(lifetime))
    return subprocess.Popen(
        command(database_url, port), cwd=PEER_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def wait_until_answering(proc: subprocess.Popen, port: int, log: Path) -> None:
    """PostGraphile has no health route: up once it answers `{ __typename }`."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"PostGraphile exited; see {log}")
        try:
            answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}, timeout=1)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"PostGraphile did not answer within {STARTUP_TIMEOUT_SECONDS} s; see {log}")
