"""The task list's `totalCount` from task_scope_count (migration 0038) equals counting the tasks
the scope's filter matches, whatever was written before: inserts, moves of any domain column
(one row or many at once), deletes, on SQLite and PostgreSQL. The counts are kept by triggers,
so a later migration that rebuilds surveillance_task without them fails here."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import Tortoise

from services.scoping import in_units
from services.tasks.common import TASK_DOMAIN_COLUMNS
from services.tasks.queries import scope_count
from store.config import tortoise_config
from store.migrate import apply_migrations
from store.models import Factory, OrgUnit, SurveillanceTask
from tests.databases import reset_orm_caches
from tests.store.migrations_support import _migrate_to, empty_database
from tests.store.test_task_numbers_store import FACTORY, UNIT, _insert

BEFORE = "models.0037_notice_routes_per_unit"  # the migration 0038_task_scope_counts follows

# Small unit ids as a strategy draws them; mapped onto the world's real units in the test.
SLOTS = 6
slot = st.integers(0, SLOTS - 1)
maybe_slot = st.none() | slot
insert = st.tuples(st.just("insert"), slot, slot, maybe_slot)
move_one = st.tuples(st.just("move"), st.sampled_from(TASK_DOMAIN_COLUMNS), maybe_slot, st.integers(0, 50))
move_many = st.tuples(st.just("move-all-of"), st.sampled_from(TASK_DOMAIN_COLUMNS), maybe_slot, slot)
delete = st.tuples(st.just("delete"), st.integers(0, 50))
operations = st.lists(insert | move_one | move_many | delete, max_size=12)
scopes = st.lists(st.frozensets(slot, max_size=SLOTS), min_size=1, max_size=4)
numbers = itertools.count()
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


async def _apply(operation, units: list[int], factory_id: int, mine: list[int]) -> None:
    kind, *args = operation
    if kind == "insert":
        responsible, executing, enterprise = args
        task = await SurveillanceTask.create(
            number=f"PROP-{next(numbers):06d}", kind="SPECIAL", status="DRAFT", factory_id=factory_id,
            responsible_unit_id=units[responsible], executing_unit_id=units[executing],
            enterprise_unit_id=None if enterprise is None else units[enterprise], year=2026, due_on=date(2026, 12, 31),
        )  # fmt: skip
        mine.append(task.id)
    elif kind == "move" and mine:
        column, target, index = args
        if target is None and column != "enterprise_unit_id":
            return  # NOT NULL columns
        value = None if target is None else units[target]
        await SurveillanceTask.filter(id=mine[index % len(mine)]).update(**{column: value})
    elif kind == "move-all-of":  # one UPDATE of many rows, the demo world's tasks included
        column, target, source = args
        if target is None and column != "enterprise_unit_id":
            return
        value = None if target is None else units[target]
        await SurveillanceTask.filter(**{column: units[source]}).update(**{column: value})
    elif kind == "delete" and mine:
        await SurveillanceTask.filter(id=mine.pop(args[0] % len(mine))).delete()


@PROPERTY
@given(ops=operations, checked=scopes)
async def test_the_kept_count_equals_the_filter_count(db, ops, checked):
    units = await OrgUnit.all().order_by("id").limit(SLOTS).values_list("id", flat=True)
    factory_id = (await Factory.first()).id
    mine: list[int] = []
    for operation in ops:
        await _apply(operation, units, factory_id, mine)
    for chosen in [*checked, frozenset(range(SLOTS))]:
        unit_ids = frozenset(units[i] for i in chosen)
        expected = await SurveillanceTask.filter(in_units(unit_ids, columns=TASK_DOMAIN_COLUMNS)).count()
        assert await scope_count(unit_ids) == expected, (ops, sorted(chosen))


@pytest.fixture
def empty_url(backend, tmp_path):
    yield from empty_database(backend, tmp_path, "scope_counts")


async def _tasks_before_0038(url: str) -> None:
    """Units 1 and 2, a factory, six tasks before the counts existed: some executed or known by 2."""
    await _migrate_to(url, BEFORE)
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = Tortoise.get_connection("default")
        for code in ("east", "south"):
            await conn.execute_query(UNIT.format(code=code))
        await conn.execute_query(FACTORY)
        for i, unit in enumerate((1, 1, 2, 1, 2, 1)):
            await conn.execute_query(_insert(1, unit, number=f"T-{i}"))
        await conn.execute_query("UPDATE surveillance_task SET executing_unit_id = 2 WHERE id IN (1, 2)")
        await conn.execute_query("UPDATE surveillance_task SET enterprise_unit_id = 2 WHERE id IN (2, 4)")
    finally:
        await Tortoise.close_connections()


async def _check_counted(url: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        for unit_ids in (frozenset(), frozenset({1}), frozenset({2}), frozenset({1, 2})):
            expected = await SurveillanceTask.filter(in_units(unit_ids, columns=TASK_DOMAIN_COLUMNS)).count()
            assert await scope_count(unit_ids) == expected, sorted(unit_ids)
        assert await scope_count(frozenset({2})) == 5  # tasks 1-5; task 2 is the south's twice, counted once
    finally:
        await Tortoise.close_connections()


def test_the_migration_counts_the_tasks_there_were(empty_url):
    asyncio.run(_tasks_before_0038(empty_url))
    reset_orm_caches()
    asyncio.run(apply_migrations(empty_url, []))
    reset_orm_caches()
    asyncio.run(_check_counted(empty_url))


async def test_truncating_the_tasks_clears_the_counts_on_postgresql(db, backend):
    """TRUNCATE fires no row trigger; a statement trigger empties the counts with it."""
    if backend != "postgres":
        return  # SQLite has no TRUNCATE
    conn = Tortoise.get_connection("default")
    every_unit = frozenset(await OrgUnit.all().values_list("id", flat=True))
    await conn.execute_script("TRUNCATE surveillance_task CASCADE")
    assert await scope_count(every_unit) == 0
