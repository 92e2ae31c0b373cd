"""A graphql-transport-ws client over a real websocket (the `websockets` package), and the
GraphQL client of `tests/api/tasks_support.py` pointed at a real server process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
from contextlib import asynccontextmanager

import asyncpg
import httpx
import websockets

from server.auth import issue_dev_token
from server.settings import Settings
from tests.processes import SURVEIL, Deployment, ServerProcess, server_env

PROTOCOL = "graphql-transport-ws"
WAIT = 20  # seconds an expected message may take on a loaded machine: a bound, not a pace


async def token_of(database_url: str, login: str, hours: int | None = None) -> str:
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        user_id = await conn.fetchval("SELECT id FROM app_user WHERE login = $1", login)
    finally:
        await conn.close()
    assert user_id is not None, login
    return issue_dev_token(Settings(), user_id, login, hours)


class RemoteApi:
    """`api` for the task helpers (tests/api/tasks_support.py), over HTTP to one server process."""

    def __init__(self, deployment: Deployment, server: ServerProcess) -> None:
        self.deployment, self.server = deployment, server
        self._tokens: dict[str, str] = {}

    async def token(self, login: str) -> str:
        if login not in self._tokens:
            self._tokens[login] = await token_of(self.deployment.database_url, login)
        return self._tokens[login]

    async def run(self, query: str, variables: dict | None = None, *, as_user: str) -> dict:
        async with httpx.AsyncClient(base_url=self.server.base_url, timeout=30) as http:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"authorization": f"Bearer {await self.token(as_user)}", "accept-language": "en"},
            )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict | None = None, *, as_user: str) -> dict:
        body = await self.run(query, variables, as_user=as_user)
        assert "errors" not in body, body["errors"]
        return body["data"]


class Live:
    """One websocket connection speaking graphql-transport-ws."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.inbox: dict[str, list[dict]] = {}

    async def send(self, message: dict | str) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def init(self, token: str | None, key: str = "Authorization") -> dict:
        with contextlib.suppress(websockets.ConnectionClosed):  # refused at once: the close tells why
            await self.send({"type": "connection_init", "payload": {key: f"Bearer {token}"} if token else {}})
        return await self.receive()

    async def receive(self) -> dict:
        """The next message; the server's closing as `{"type": "closed", "code", "reason"}`."""
        try:
            return json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
        except websockets.ConnectionClosed as closed:
            return {"type": "closed", "code": closed.rcvd.code, "reason": closed.rcvd.reason}

    async def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        await self.send({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})

    async def next_of(self, op_id: str) -> dict:
        """The next message for `op_id` (messages of other operations are kept for later)."""
        while not self.inbox.get(op_id):
            message = await self.receive()
            self.inbox.setdefault(message.get("id", ""), []).append(message)
        return self.inbox[op_id].pop(0)

    async def closed(self) -> tuple[int, str]:
        """Wait for the server to close the connection: (code, reason)."""
        while (message := await self.receive())["type"] != "closed":
            pass
        return message["code"], message["reason"]


@asynccontextmanager
async def live(server: ServerProcess, token: str | None = None, *, accept_language: str = "en"):
    """A connection to `server`, signed in with `token` (acknowledged) when one is given."""
    url = server.base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url, subprotocols=[PROTOCOL], additional_headers={"accept-language": accept_language}
    ) as ws:
        connection = Live(ws)
        if token is not None:
            ack = await connection.init(token)
            assert ack["type"] == "connection_ack", ack
        yield connection


def start_worker(deployment: Deployment) -> subprocess.Popen:
    """`surveil worker` beside the servers: it fans notices out to the inbox and announces them."""
    env = server_env(
        deployment.database_url, deployment.redis_url, deployment.namespace, SURVEIL_WORKER_POLL_SECONDS="0.2"
    )
    return subprocess.Popen(
        [str(SURVEIL), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )


async def subscribed(deployment: Deployment, client: Live, op_id: str, task_id: str) -> dict:
    """Wait until the `taskChanged` subscription `op_id` listens: announce the task on the bus
    (as a change would) until it answers; returns that answer. Subscriptions sent before it on
    the same connection started before it."""
    import redis.asyncio as redis

    from schema.relay import from_global_id

    message = json.dumps({"task": int(from_global_id(task_id)[1])})
    connection = redis.from_url(deployment.redis_url)
    try:
        while not client.inbox.get(op_id):
            await connection.publish(f"{deployment.namespace}:tasks", message)
            with contextlib.suppress(TimeoutError):
                client.inbox.setdefault("", [])
                received = json.loads(await asyncio.wait_for(client.ws.recv(), 0.2))
                client.inbox.setdefault(received.get("id", ""), []).append(received)
    finally:
        await connection.aclose()
    return client.inbox[op_id].pop(0)
