"""One deployment per test module: two `surveil serve` processes and a `surveil worker` over one
PostgreSQL world and one Redis namespace."""

from __future__ import annotations

import asyncio

import pytest

from tests.live.live_support import start_worker
from tests.processes import Deployment
from tests.redis_support import REDIS_URL, skip_without_redis, unique_namespace


@pytest.fixture(scope="module")
def deployment(postgres_worlds):
    skip_without_redis()
    url = asyncio.run(postgres_worlds.fresh_async())
    deployment = Deployment(url, REDIS_URL, unique_namespace())
    try:
        deployment.start()
        deployment.start()
        worker = start_worker(deployment)
        yield deployment
        worker.terminate()
        worker.wait(20)
    finally:
        deployment.stop()
        asyncio.run(postgres_worlds.dispose_async(url))
