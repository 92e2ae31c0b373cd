"""`surveil serve` and `surveil worker` as real processes write JSON lines only; the server's
request line carries the request id it echoed (README, Operations)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx

from tests.services.notice_support import ROOT, free_port


def _start(world_url: str, tmp_path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": world_url, "SURVEIL_DOCUMENT_DIR": str(tmp_path / "documents"),
           "SURVEIL_WORKER_POLL_SECONDS": "0.2", "SURVEIL_LOG_LEVEL": "INFO"}  # fmt: skip
    command = [sys.executable, "-m", "server.cli", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(process: subprocess.Popen, read: str = "") -> list[dict]:
    """SIGTERM, then every stderr line parsed as JSON (a line that is not fails the test)."""
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return [json.loads(line) for line in (read + err).splitlines() if line.strip()]


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end and process.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_the_server_logs_one_json_line_per_request_with_its_id(world_url, tmp_path):
    port = free_port()
    process = _start(world_url, tmp_path, "serve", "--port", str(port))
    try:
        _wait_until_up(port, process)
        response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "query Ping { __typename }"},
                              headers={"x-request-id": "proc-1"}, timeout=10)  # fmt: skip
        ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
    finally:
        lines = _stop(process)
    made = response.headers["x-request-id"]
    assert response.headers["x-client-request-id"] == "proc-1" and ready.status_code == 200
    [line] = [line for line in lines if line.get("request_id") == made]
    assert line["client_request_id"] == "proc-1"
    assert (line["logger"], line["operation"], line["outcome"], line["status"]) == (
        "surveil.request",
        "Ping",
        "ok",
        200,
    )
    assert any(line["logger"].startswith("uvicorn") for line in lines)  # uvicorn's own lines are JSON too


def test_the_worker_logs_json_lines(world_url, tmp_path):
    process = _start(world_url, tmp_path, "worker")
    read = ""
    while "worker started" not in read and process.poll() is None:  # its signal handlers are set
        read += process.stderr.readline()
    lines = _stop(process, read)
    assert process.returncode == 0
    events = [(line["logger"], line["event"]) for line in lines]
    assert ("surveil.worker", "worker stopped") in events, lines
    assert all(line["level"] and line["timestamp"] for line in lines)
