"""Real `surveil serve` processes for the tests of several processes (issue G): each on its own
loopback port, over one database (a world copy of `postgres_worlds`) and one Redis namespace,
as a deployment runs them. Tokens are signed with the development secret the processes use."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from server.auth import issue_dev_token
from server.settings import Settings
from tests.deploy.image_support import free_port, wait_for_health

SURVEIL = Path(sys.executable).with_name("surveil")
ROOT = Path(__file__).resolve().parents[1]


def server_env(database_url: str, redis_url: str | None, namespace: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "TZ", "HOME")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "SURVEIL_ENV": "development",
        "DATABASE_URL": database_url,
        "SURVEIL_REDIS_NAMESPACE": namespace,
        "SURVEIL_LOG_LEVEL": "WARNING",
        "SURVEIL_DOCUMENT_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / f"surveil-docs-{namespace}"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env | extra


@dataclass
class ServerProcess:
    port: int
    process: subprocess.Popen

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Deployment:
    """Server processes over one database and one Redis namespace; `start()` adds one."""

    database_url: str
    redis_url: str | None
    namespace: str
    extra_env: dict[str, str] = field(default_factory=dict)
    servers: list[ServerProcess] = field(default_factory=list)
    _tokens: dict[str, str] = field(default_factory=dict)

    def start(self, *serve_args: str, **env: str) -> ServerProcess:
        port = free_port()
        process = subprocess.Popen(
            [str(SURVEIL), "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args],
            env=server_env(self.database_url, self.redis_url, self.namespace, **self.extra_env, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        server = ServerProcess(port, process)
        self.servers.append(server)
        wait_for_health(server.base_url, process)
        return server

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def token(self, login: str) -> str:
        if login not in self._tokens:
            user_id = asyncio.run(_user_id(self.database_url, login))
            assert user_id is not None, f"no user {login!r} in the world"
            self._tokens[login] = issue_dev_token(Settings(), user_id, login)
        return self._tokens[login]

    def graphql(self, server: ServerProcess, query: str, variables: dict | None = None, *, as_user: str) -> dict:
        response = httpx.post(
            f"{server.base_url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {self.token(as_user)}", "accept-language": "en"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()


async def _user_id(database_url: str, login: str) -> int:
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        return await conn.fetchval("SELECT id FROM app_user WHERE login = $1", login)
    finally:
        await conn.close()
