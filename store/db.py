"""Transactions: every command runs in one, and the audit chain is written serially."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

# Arbitrary constant key for PostgreSQL's transaction-level advisory lock on the audit chain.
AUDIT_CHAIN_LOCK = 7_342_001


def dialect() -> str:
    return get_connection("default").capabilities.dialect


# Work to do once the outermost transaction has committed (None: no transaction is open).
_after_commit: ContextVar[list[Callable[[], Awaitable[None]]] | None] = ContextVar("after_commit", default=None)


@asynccontextmanager
async def transaction():
    """One transaction for one command. Writers of the audit chain are serialised:
    SQLite's single connection already serialises transactions; PostgreSQL takes an
    advisory lock held until commit, so the previous hash read is the latest one.
    A transaction opened inside another is a savepoint of it."""
    outermost = _after_commit.get() is None
    token = _after_commit.set([]) if outermost else None
    try:
        async with in_transaction("default") as conn:
            if conn.capabilities.dialect == "postgres":
                await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK])
            yield conn
        if outermost:
            for callback in _after_commit.get():
                await callback()
    finally:
        if token is not None:
            _after_commit.reset(token)


async def refresh_statistics(tables: tuple[str, ...]) -> None:
    """After a bulk load, on PostgreSQL: fresh planner statistics for the tables written (as its
    documentation advises), so that the next queries are not planned for the nearly empty tables
    autovacuum last measured. SQLite plans from its indexes alone."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script("; ".join(f"ANALYZE {table}" for table in tables))


def after_commit(callback: Callable[[], Awaitable[None]], *, once: bool = False) -> None:
    """Run `callback` once the outermost transaction has committed (never if it rolls back):
    what must only follow durable changes, such as reloading this process's policy. `once`: not
    again if the same callback is already waiting (one announcement for several changes)."""
    pending = _after_commit.get()
    if pending is None:
        raise RuntimeError("after_commit outside a transaction")
    if not (once and callback in pending):
        pending.append(callback)


def transaction_open() -> bool:
    """Whether a command's transaction (`transaction()`) is open here."""
    return _after_commit.get() is not None
