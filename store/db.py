"""Transactions: every command runs in one, and the audit chain is written serially."""

from __future__ import annotations

from contextlib import asynccontextmanager

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

# Arbitrary constant key for PostgreSQL's transaction-level advisory lock on the audit chain.
AUDIT_CHAIN_LOCK = 7_342_001


def dialect() -> str:
    return get_connection("default").capabilities.dialect


@asynccontextmanager
async def transaction():
    """One transaction for one command. Writers of the audit chain are serialised:
    SQLite's single connection already serialises transactions; PostgreSQL takes an
    advisory lock held until commit, so the previous hash read is the latest one."""
    async with in_transaction("default") as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK])
        yield conn
