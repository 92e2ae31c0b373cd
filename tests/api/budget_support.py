"""Apps with small budgets (issue G, fair use) for tests/api/test_budgets*.py."""

from __future__ import annotations

import dataclasses
from contextlib import asynccontextmanager

import httpx

from server.app import create_app
from server.settings import Settings
from tests.client import TEST_HEADERS, GraphQLClient

# Eleven points: `factories` once, `nodes` and `id` once per row of a page of five.
QUERY = "{ factories(first: 5) { nodes { id } } }"
COST = 11
SMALL = {"budget_staff": 100, "budget_agency": 40, "budget_enterprise": 25, "budget_buyer": 12}


def small_budgets(database_url: str, **changes) -> Settings:
    return dataclasses.replace(Settings(), database_url=database_url, **(SMALL | changes))


@asynccontextmanager
async def graphql_client(settings: Settings, application=None):
    """A GraphQL client of a real app (its lifespan run here unless an app already running is given)."""
    application = application or create_app(settings)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=TEST_HEADERS) as http:
        yield GraphQLClient(http, settings)


@asynccontextmanager
async def running(settings: Settings):
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


async def spend_until_refused(api: GraphQLClient, login: str, most: int = 20) -> tuple[int, httpx.Response]:
    """How many requests `login` got through before the first refusal, and that refusal."""
    for done in range(most):
        response = await api.post(QUERY, as_user=login)
        if response.status_code != 200 or "errors" in response.json():
            return done, response
    raise AssertionError(f"{login} was never refused in {most} requests")
