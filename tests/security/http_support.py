"""The real app served by uvicorn on a loopback port, for tests that need real HTTP (chunked
bodies, raw sockets, a client that leaves mid-request)."""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager

import uvicorn

from server.app import create_app
from server.cli import proxy_options
from server.http_limits import MAX_JSON_BYTES


@asynccontextmanager
async def served(settings):
    """Yields (host, port) while the app runs; stops it, lifespan included, on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            log_level="warning",
            lifespan="on",
            ws_max_size=MAX_JSON_BYTES,  # as `surveil serve` runs it
            **proxy_options(settings),
        )
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield sock.getsockname()
    finally:
        server.should_exit = True
        await task
