"""Giving tasks their numbers (domain/task_numbers.py); finding one by its number is a read
(services/tasks/queries.py, `task_by_number`).

Every path that creates a task takes its number here, inside its own command: a plan takes a
block of numbers at once, a hand-made task one, a sub-task its parent's number and its place."""

from __future__ import annotations

from domain.task_numbers import prefix_of, sub_task_number, task_number
from store import task_numbers
from store.models import OrgUnit, SurveillanceTask


async def new_numbers(responsible_unit_id: int, year: int, count: int = 1) -> list[str]:
    """`count` numbers for top-level tasks of the unit and year, in order."""
    code = (await OrgUnit.get(id=responsible_unit_id)).code
    prefix = prefix_of(code)
    return [task_number(prefix, year, n) for n in await task_numbers.take(prefix, year, count)]


async def new_number(responsible_unit_id: int, year: int) -> str:
    return (await new_numbers(responsible_unit_id, year))[0]


async def sub_task_number_of(parent: SurveillanceTask) -> str:
    """The next sub-task's number: sub-tasks are made one after the other in the parent's
    command, which holds the parent (its version moves), so counting them is safe; the unique
    index would refuse a clash rather than give a number twice."""
    made = await SurveillanceTask.filter(parent_id=parent.id).count()
    return sub_task_number(parent.number, made + 1)
