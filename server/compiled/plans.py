"""Compiled statements, cached, and run: one SELECT per document, its JSON read back as `data`."""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass

from graphql import GraphQLSchema
from tortoise.connection import connections

from server.compiled.compiler import Compiler
from server.compiled.dialects import Slot, dialect_named, urlsafe_b64
from server.compiled.selection import (
    Collector,
    NotCompilable,
    is_query,
    operation_of,
    variable_values,
)
from services import certificates, factories
from services.context import Session

MAX_PLANS = 512  # distinct (document, operation, variables) kept; the oldest go first


@dataclass(frozen=True)
class Plan:
    sql: str
    params: tuple  # values, and Slots filled per request
    dialect: str


_plans: dict[tuple, Plan | None] = {}  # None: not compilable, the executor answers


def plan_for(schema: GraphQLSchema, document, query_text: str, operation_name, variables, dialect: str) -> Plan | None:
    try:
        key = (query_text, operation_name, dialect, json.dumps(variables, sort_keys=True))
    except (TypeError, ValueError):
        return None
    if key in _plans:
        return _plans[key]
    plan = _compile(schema, document, operation_name, variables, dialect)
    if len(_plans) >= MAX_PLANS:
        del _plans[next(iter(_plans))]
    _plans[key] = plan
    return plan


def _compile(schema: GraphQLSchema, document, operation_name, variables, dialect_name: str) -> Plan | None:
    try:
        operation = operation_of(document, operation_name)
        if not is_query(operation):
            return None
        values = variable_values(operation, variables)
        collector = Collector(schema, document, values)
        compiler = Compiler(schema, collector, dialect_named(dialect_name))
        sql = compiler.root(collector.collect("Query", [operation.selection_set]))
    except NotCompilable:
        return None
    return Plan(sql, tuple(compiler.params.values), dialect_name)


def current_dialect() -> str:
    return connections.get("default").capabilities.dialect


async def run(plan: Plan, session: Session, today) -> dict:
    """The plan's statement with this viewer's scopes: the `data` of the response."""
    dialect = dialect_named(plan.dialect)
    scopes = {
        Slot.FACTORY_READ: await session.perms.unit_ids("read", factories.KIND),
        Slot.CLASS_READ: await session.perms.unit_ids("read", factories.CLASS_FIELD),
        Slot.CERTIFICATE_READ: await session.perms.unit_ids("read", certificates.KIND),
        Slot.TODAY: today,
    }
    params = [dialect.slot_value(p, scopes[p]) if isinstance(p, Slot) else p for p in plan.params]
    client = connections.get("default")
    if plan.dialect == "sqlite":
        await _register_base64(client)
    _, rows = await client.execute_query(plan.sql, params)
    return json.loads(rows[0][0])


_registered: weakref.WeakSet = weakref.WeakSet()


async def _register_base64(client) -> None:
    """SQLite has no base64: schema.relay's encoding, registered once per connection."""
    async with client.acquire_connection() as connection:
        if connection not in _registered:
            await connection.create_function("surveil_b64", 1, urlsafe_b64, deterministic=True)
            _registered.add(connection)
