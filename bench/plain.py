"""The baseline: a plain Starlette endpoint answering the benchmark's GraphQL query with
hand-written SQL, so the GraphQL stack's overhead shows against the least work possible.

It applies no authorization scope: the benchmark asks as `hq.planner`, whose scope (HQ and
every unit HQ oversees) covers every factory's responsible unit, and who may read the class.
run.py checks that both answers are equal, so the shortcut changes no row.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from contextlib import asynccontextmanager

import aiosqlite
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

FACTORY_PAGE = 50
CERTIFICATE_PAGE = 10
STATEMENTS_PER_REQUEST = 3  # the COUNT, the page, the certificates of the page

# The same page the GraphQL layer reads: keyset pagination orders by primary key.
PAGE_SQL = """
SELECT f.id, f.code, f.name, f.classification, u.code
FROM factory AS f JOIN org_unit AS u ON u.id = f.responsible_unit_id
ORDER BY f.id LIMIT ?
"""
CERTIFICATES_SQL = """
SELECT factory_id, number, status FROM certificate
WHERE factory_id IN ({marks}) ORDER BY factory_id, id
"""


def global_id(type_name: str, db_id: int) -> str:
    """Written out rather than imported from schema.relay, so the equality check in run.py
    also checks the GraphQL layer's ids against an independent encoding."""
    return base64.urlsafe_b64encode(f"{type_name}:{db_id}".encode()).decode().rstrip("=")


async def factories(request: Request) -> JSONResponse:
    db: aiosqlite.Connection = request.app.state.db
    (total,) = (await db.execute_fetchall("SELECT COUNT(*) FROM factory"))[0]
    rows = await db.execute_fetchall(PAGE_SQL, (FACTORY_PAGE,))
    ids = [row[0] for row in rows]
    certs: dict[int, list[dict]] = defaultdict(list)
    if ids:
        sql = CERTIFICATES_SQL.format(marks=",".join("?" * len(ids)))
        for factory_id, number, status in await db.execute_fetchall(sql, ids):
            certs[factory_id].append({"number": number, "status": status})
    nodes = [
        {
            "id": global_id("Factory", factory_id),
            "code": code,
            "name": name,
            "classification": classification,
            "responsibleUnit": {"code": unit_code},
            "certificates": {
                "totalCount": len(certs[factory_id]),
                "nodes": certs[factory_id][:CERTIFICATE_PAGE],
            },
        }
        for factory_id, code, name, classification, unit_code in rows
    ]
    return JSONResponse({"factories": {"totalCount": total, "nodes": nodes}})


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_plain_app(db_path: str) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette):
        # One connection, like Tortoise's SQLite client, so both sides queue on one thread.
        async with aiosqlite.connect(db_path) as db:
            await db.execute("PRAGMA query_only = ON")
            app.state.db = db
            yield

    return Starlette(routes=[Route("/factories", factories), Route("/health", health)], lifespan=lifespan)
