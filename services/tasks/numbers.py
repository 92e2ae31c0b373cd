"""Giving tasks their numbers (domain/task_numbers.py); finding one by its number is a read
(services/tasks/queries.py, `task_by_number`).

Every path that creates a task takes its number here, inside its own command: a plan takes a
block of numbers at once, a hand-made task or a sub-task one."""

from __future__ import annotations

from domain.task_numbers import prefix_of, task_number
from store import task_numbers
from store.models import OrgUnit


async def new_numbers(responsible_unit_id: int, year: int, count: int = 1) -> list[str]:
    """`count` numbers for top-level tasks of the unit and year, in order."""
    code = (await OrgUnit.get(id=responsible_unit_id)).code
    prefix = prefix_of(code)
    return [task_number(prefix, year, n) for n in await task_numbers.take(prefix, year, count)]


async def new_number(responsible_unit_id: int, year: int) -> str:
    return (await new_numbers(responsible_unit_id, year))[0]
