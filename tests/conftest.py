"""Shared fixtures: the demo world on SQLite and, when reachable, PostgreSQL.

`world_url` gives each test its own copy of the seeded demo world; `api` is a GraphQL client
to the real app on that copy; `db` opens the ORM on it for tests that talk to the store."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from tortoise import Tortoise

from server.app import create_app
from server.settings import Settings
from store.config import tortoise_config
from tests.client import TEST_HEADERS, GraphQLClient
from tests.databases import (
    PostgresWorlds,
    SqliteWorlds,
    reset_orm_caches,
    skip_without_postgres,
)
from tests.redis_support import private_redis, redis_server, redis_url  # noqa: F401 (fixtures for every test)

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def sqlite_worlds(tmp_path_factory):
    return SqliteWorlds(tmp_path_factory.mktemp("worlds"))


@pytest.fixture(scope="session")
def postgres_worlds():
    skip_without_postgres()
    worlds = PostgresWorlds()
    yield worlds
    worlds.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def worlds(request, backend):
    # Synchronous on purpose: building a template runs its own event loop.
    return request.getfixturevalue(f"{backend}_worlds")


@pytest.fixture
async def world_url(worlds):
    reset_orm_caches()
    if isinstance(worlds, SqliteWorlds):
        url = worlds.fresh()
        yield url
        worlds.dispose(url)
    else:
        url = await worlds.fresh_async()
        yield url
        await worlds.dispose_async(url)


@pytest.fixture
def settings(world_url) -> Settings:
    return dataclasses.replace(Settings(), database_url=world_url)


@pytest.fixture
async def app(settings):
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(app, settings) -> GraphQLClient:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=TEST_HEADERS) as http:
        yield GraphQLClient(http, settings)


@pytest.fixture
async def db(world_url):
    """The ORM on a fresh world, without the app (store-level tests)."""
    await Tortoise.init(config=tortoise_config(world_url))
    try:
        yield
    finally:
        await Tortoise.close_connections()


def pytest_unconfigure(config):
    """A connection a test forgot to close keeps a worker thread that would hold the process
    open for ever after the last test (CI would wait out its time limit). Name it and stop."""
    import os
    import sys
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    for thread in others:  # executor threads finish on their own within moments
        thread.join(timeout=5)
    stuck = [t.name for t in others if t.is_alive()]
    if stuck:
        print(f"\nthreads left running after the tests (a connection not closed?): {stuck}", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(3)
