"""`surveil serve --workers 2`: two processes really serve behind one port (seen from /proc:
the serve process's children, each holding the listening socket, each answering some of the
connections), SIGTERM stops them all gracefully (a request in flight finishes, exit 0), and
SQLite refuses more than one worker."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from server.cli_serve import settings_environment
from server.settings import load_settings
from tests.deploy.image_support import read_response
from tests.processes import SURVEIL, Deployment, server_env
from tests.redis_support import REDIS_URL, redis_unavailable_reason, unique_namespace

QUERY = json.dumps({"query": "{ viewer { login } }"}).encode()


@pytest.fixture
def world(postgres_worlds):
    url = asyncio.run(postgres_worlds.fresh_async())
    yield url
    asyncio.run(postgres_worlds.dispose_async(url))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _tcp(port: int) -> dict[str, tuple[str, int]]:
    """inode -> (state, remote port) of the sockets whose local port is `port`."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if int(local.split(":")[1], 16) == port:
            found[inode] = (state, int(remote.split(":")[1], 16))
    return found


def _owner(pids: list[int], port: int, client_port: int) -> int | None:
    inodes = {inode for inode, (state, remote) in _tcp(port).items() if state == "01" and remote == client_port}
    return next((pid for pid in pids if _socket_inodes(pid) & inodes), None)


def _listening(pid: int, port: int) -> bool:
    listen = {inode for inode, (state, _) in _tcp(port).items() if state == "0A"}
    return bool(_socket_inodes(pid) & listen)


def _request_head(port: int, token: str, length: int) -> bytes:
    return (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _wait(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_two_workers_serve_one_port_and_stop_gracefully_on_sigterm(world):
    redis_url = None if redis_unavailable_reason() else REDIS_URL
    deployment = Deployment(world, redis_url, unique_namespace())
    server = deployment.start("--workers", "2", "--graceful-seconds", "20")
    try:
        token = deployment.token("hq.admin")
        workers = _children(server.process.pid)
        assert len(workers) == 2, workers
        assert all(_listening(pid, server.port) for pid in workers)
        serving = set()
        deadline = time.monotonic() + 30  # the second process may still be starting when the first answers
        while serving != set(workers) and time.monotonic() < deadline:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
                conn.sendall(_request_head(server.port, token, len(QUERY)) + QUERY)
                status, body = read_response(conn)
                assert status == 200 and body["data"]["viewer"]["login"] == "hq.admin", body
                serving.add(_owner(workers, server.port, conn.getsockname()[1]))
        assert serving == set(workers), f"only {serving} of {workers} answered"

        slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        slow.sendall(_request_head(server.port, token, len(QUERY)) + QUERY[:5])  # the body in flight
        _wait(lambda: _owner(workers, server.port, slow.getsockname()[1]) is not None, "no process took the request")
        handling = _owner(workers, server.port, slow.getsockname()[1])
        server.process.send_signal(signal.SIGTERM)
        _wait(lambda: not _listening(handling, server.port), "the process never stopped accepting")
        slow.sendall(QUERY[5:])
        status, body = read_response(slow)
        assert status == 200 and body["data"]["viewer"]["login"] == "hq.admin", body
        slow.close()
        assert server.process.wait(30) == 0
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived the stop"
    finally:
        deployment.stop()


@pytest.mark.parametrize("how", [["--workers", "2"], []])
def test_sqlite_refuses_several_workers(tmp_path, how):
    extra = {} if how else {"SURVEIL_WORKERS": "2"}
    env = server_env(f"sqlite://{tmp_path}/surveil.sqlite3", None, unique_namespace(), **extra)
    done = subprocess.run(
        [str(SURVEIL), "serve", "--port", "0", *how], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "--workers 2 needs PostgreSQL: SQLite allows one writer at a time" in done.stderr


def test_the_workers_read_the_settings_their_parent_checked(monkeypatch):
    given = {
        "SURVEIL_CORS_ORIGINS": "https://a.example.org, http://b.example:8080",
        "SURVEIL_TRUSTED_PROXIES": "10.0.0.0/8",
        "SURVEIL_GRAPHIQL": "0",
        "SURVEIL_NORTH_CHINA": "Beijing,Hebei",
        "SURVEIL_WORKER_POLL_SECONDS": "2.5",
        "SURVEIL_BUDGET_STAFF": "0",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
    }
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    parent = load_settings()
    for name in given:
        monkeypatch.delenv(name)
    for name, value in settings_environment(parent).items():
        monkeypatch.setenv(name, value)
    assert load_settings() == parent
