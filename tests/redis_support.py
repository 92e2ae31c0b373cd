"""Redis for the tests of issue G: the machine's own (TEST_REDIS_URL, loopback by default), or a
private `redis-server` a test starts and stops to play an outage. Unreachable: the tests skip
with the reason, unless REQUIRE_REDIS=1 (CI), where they fail."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import closing

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_REDIS = os.environ.get("REQUIRE_REDIS") == "1"


def redis_unavailable_reason(url: str = REDIS_URL) -> str | None:
    import redis

    try:
        with closing(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)) as client:
            client.ping()
    except Exception as exc:  # any failure means "not reachable here"
        return f"Redis not reachable at {url}: {type(exc).__name__}: {exc}"
    return None


def skip_without_redis() -> None:
    reason = redis_unavailable_reason()
    if reason:
        if REQUIRE_REDIS:
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)


def unique_namespace() -> str:
    """Tests share the machine's Redis (and run in parallel): each gets its own keys and channels."""
    return f"test-{uuid.uuid4().hex[:12]}"


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port, stopped and started at will."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if REQUIRE_REDIS:
                pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed")
            pytest.skip("redis-server is not installed: cannot play a Redis outage")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while redis_unavailable_reason(self.url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis_url() -> str:
    skip_without_redis()
    return REDIS_URL


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_server():
    """A private redis-server shared by a module's tests (a deployment of real processes on it)."""
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
