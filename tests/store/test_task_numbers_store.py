"""Task numbers in the database, on SQLite and PostgreSQL: the counter gives each number once
even to transactions running at the same time (without store.db's advisory lock), rolls back
with its transaction, the column is required and unique, and migration 0024 numbers the tasks
of a database made before it as the code numbers new ones."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from store.config import tortoise_config
from store.migrate import apply_migrations
from store.models import Factory
from store.task_numbers import take
from tests.databases import reset_orm_caches
from tests.store.migrations_support import _migrate_to, empty_database

BEFORE = "models.0023_registry_admin"  # the migration 0024_task_numbers follows
INSERT_TASK = (
    "INSERT INTO surveillance_task (kind, status, factory_id, parent_id, responsible_unit_id, executing_unit_id, "
    "year, due_on, with_sampling, requirements, version, created_at, updated_at, disclosed_labs, escalated, "
    "unannounced, complex{number_column}) VALUES ('SPECIAL', 'DRAFT', {factory}, {parent}, {unit}, {unit}, {year}, "
    "'2026-06-30', FALSE, '', 1, '2026-01-05 00:00:00+00:00', '2026-01-05 00:00:00+00:00', '[]', FALSE, FALSE, "
    "FALSE{number_value})"
)


def _insert(factory: int, unit: int, year: int = 2026, parent: int | None = None, **number) -> str:
    """A task row in plain SQL both databases read (`number=None` writes NULL; no `number`: no column)."""
    column, value = ("", "") if "number" not in number else (", number", ", NULL" if number["number"] is None
                                                                 else f", '{number['number']}'")  # fmt: skip
    parent_sql = "NULL" if parent is None else str(parent)
    return INSERT_TASK.format(factory=factory, unit=unit, year=year, parent=parent_sql,
                              number_column=column, number_value=value)  # fmt: skip


async def test_a_second_transaction_waits_for_the_first_and_gets_the_next_number(db):
    taken = asyncio.Event()
    release = asyncio.Event()

    async def first() -> range:
        async with in_transaction("default"):
            got = await take("EAST", 2031)
            taken.set()
            await release.wait()  # keeps its transaction (and the counter row) open
            return got

    async def second() -> range:
        await taken.wait()
        async with in_transaction("default"):
            return await take("EAST", 2031, 2)

    one, two = asyncio.create_task(first()), asyncio.create_task(second())
    await taken.wait()
    await asyncio.sleep(0.3)
    assert not two.done()  # it waits for the first transaction, whose number is not settled yet
    release.set()
    assert (list(await one), list(await two)) == ([1], [2, 3])

    many = await asyncio.gather(*(_take_in_own_transaction("EAST", 2031) for _ in range(12)))
    assert sorted(n for r in many for n in r) == list(range(4, 16))
    assert list(await _take_in_own_transaction("SOUTH", 2031)) == [1]  # per prefix
    assert list(await _take_in_own_transaction("EAST", 2032)) == [1]  # and per year


async def _take_in_own_transaction(prefix: str, year: int) -> range:
    async with in_transaction("default"):
        return await take(prefix, year)


async def test_a_number_taken_in_a_transaction_that_rolls_back_is_given_again(db):
    with pytest.raises(RuntimeError):
        async with in_transaction("default"):
            assert list(await take("WEST", 2031)) == [1]
            raise RuntimeError("the command failed")
    assert list(await _take_in_own_transaction("WEST", 2031)) == [1]


async def test_a_task_without_a_number_or_with_a_taken_one_is_refused(db):
    factory = await Factory.get(code="E001")
    conn = connections.get("default")
    args = {"factory": factory.id, "unit": factory.responsible_unit_id}
    await conn.execute_query(_insert(**args, number="EAST-2031-0001"))
    for bad in (_insert(**args), _insert(**args, number=None), _insert(**args, number="EAST-2031-0001")):
        with pytest.raises(IntegrityError):
            async with in_transaction("default") as tx:
                await tx.execute_query(bad)
    with pytest.raises(IntegrityError):
        async with in_transaction("default") as tx:
            await tx.execute_query("UPDATE surveillance_task SET number = NULL")


@pytest.fixture
def empty_url(backend, tmp_path):
    """A database that does not exist yet (the migrations create it)."""
    yield from empty_database(backend, tmp_path, "numbers")


UNIT = (
    "INSERT INTO org_unit (code, name, name_zh, kind, provinces, countries, regions, created_at) "
    "VALUES ('{code}', '{code}', '{code}', 'SUBCENTER', '[]', '[]', '[]', '2026-01-01 00:00:00+00:00')"
)
FACTORY = (
    "INSERT INTO factory (code, name, address, country, province, classification, status, version, created_at, "
    "updated_at, responsible_unit_id) VALUES ('E001', 'F', 'A', 'CN', 'Jiangsu', 'A', 'ACTIVE', 1, "
    "'2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00', 1)"
)


async def _rows_before_0024(url: str) -> None:
    """Units east (1) and south (2), a factory, and tasks in an order that mixes units, years and
    sub-tasks (ids 1..7)."""
    await _migrate_to(url, BEFORE)
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = connections.get("default")
        for code in ("east", "south"):
            await conn.execute_query(UNIT.format(code=code))
        await conn.execute_query(FACTORY)
        for unit, year, parent in ((1, 2026, None), (2, 2026, None), (1, 2027, None), (1, 2026, None),
                                   (1, 2026, 1), (1, 2026, 1), (1, 2026, 4)):  # fmt: skip
            await conn.execute_query(_insert(1, unit, year, parent))
    finally:
        await Tortoise.close_connections()


def test_the_migration_numbers_existing_tasks_and_starts_the_counters_after_them(empty_url):
    asyncio.run(_rows_before_0024(empty_url))
    reset_orm_caches()
    asyncio.run(apply_migrations(empty_url, []))
    reset_orm_caches()
    asyncio.run(_check_numbered(empty_url))


async def _check_numbered(url: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = connections.get("default")
        numbers = await conn.execute_query_dict("SELECT id, number FROM surveillance_task ORDER BY id")
        assert [r["number"] for r in numbers] == [
            "EAST-2026-0001",
            "SOUTH-2026-0001",
            "EAST-2027-0001",
            "EAST-2026-0002",
            "EAST-2026-0003",
            "EAST-2026-0004",
            "EAST-2026-0005",
        ]
        counters = await conn.execute_query_dict(
            "SELECT unit_code, year, last_sequence FROM task_number_counter ORDER BY unit_code, year"
        )
        assert [(r["unit_code"], r["year"], r["last_sequence"]) for r in counters] == [
            ("EAST", 2026, 5),
            ("EAST", 2027, 1),
            ("SOUTH", 2026, 1),
        ]
        assert list(await _take_in_own_transaction("EAST", 2026)) == [6]  # the code goes on from there
        for bad in (_insert(1, 1), _insert(1, 1, number="EAST-2026-0001")):  # required and unique now
            with pytest.raises(IntegrityError):
                async with in_transaction("default") as tx:
                    await tx.execute_query(bad)
    finally:
        await Tortoise.close_connections()
