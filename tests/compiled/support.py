"""Answers of one app with compiled reads on and off: the same real app, its GraphQL endpoint
switched between the two real schemas (server/graphql.py build_schema)."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

from server.graphql import build_schema
from server.graphql_view import SurveilGraphQL

ROLES = (
    "hq.planner",
    "east.planner",
    "south.inspector",
    "agency.de.inspector",
    "ent.E001",
    "buyer.east",
    "lab.east1",
    "hq.auditor",
)


def graphql_endpoint(app) -> SurveilGraphQL:
    for route in app.routes:
        endpoint = getattr(route, "app", None)
        if isinstance(endpoint, SurveilGraphQL):
            return endpoint
        if isinstance(getattr(route, "endpoint", None), SurveilGraphQL):
            return route.endpoint
    raise LookupError("no GraphQL endpoint")


@contextmanager
def executor_only(app, settings):
    """The app answering through the executor alone (SURVEIL_COMPILED_READS=off)."""
    endpoint = graphql_endpoint(app)
    compiled = endpoint.schema
    endpoint.schema = build_schema(dataclasses.replace(settings, compiled_reads=False))
    try:
        yield
    finally:
        endpoint.schema = compiled


async def both(api, app, settings, query: str, variables: dict | None, login: str) -> tuple[dict, dict]:
    compiled = await api.run(query, variables, as_user=login)
    with executor_only(app, settings):
        executed = await api.run(query, variables, as_user=login)
    return compiled, executed
