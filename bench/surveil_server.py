"""`surveil serve` through the real CLI on a PostgreSQL database, for the benchmarks that run
our API as a deployment does (workers.py, peer.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from run import RESULTS, ROOT

SURVEIL = Path(sys.executable).with_name("surveil")


def start_surveil(database_url: str, port: int, *, workers: int, log_name: str, redis: str | None) -> subprocess.Popen:
    """The server's output goes to bench/results/server-{log_name}.log (as run.wait_until_up expects)."""
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TZ")}
    # PYTHONPATH: the checkout's code, whichever checkout the console script was installed from.
    env |= {"DATABASE_URL": database_url, "SURVEIL_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    if redis:
        env |= {"REDIS_URL": redis, "SURVEIL_REDIS_NAMESPACE": f"bench-{uuid.uuid4().hex[:8]}"}
    log = (RESULTS / f"server-{log_name}.log").open("w")
    command = [str(SURVEIL), "serve", "--port", str(port), "--workers", str(workers), "--graceful-seconds", "2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_gracefully(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # a supervisor stops its processes
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
