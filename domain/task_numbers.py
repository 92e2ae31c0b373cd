"""任务编号: a task's human-readable number, its name on paper (docs/domain.md, Task numbers).

- A top-level task: `<RESPONSIBLE UNIT CODE>-<year>-<sequence>`, e.g. `EAST-2026-0042`. The
  sequence counts per (unit, year): the responsible unit when the task is created and the
  task's `year`; it has four digits, zero-padded, and more once a unit passes 9999 in a year.
- A sub-task (a split part, the sampling issued with a relocation): its parent's number and
  its place among the parent's sub-tasks, e.g. `EAST-2026-0042-1`, so that on paper it reads
  as part of the task it came from, and a split consumes nothing of the unit's sequence.
- The number never changes afterwards: rerouting, delegation and conversion keep it.

Numbers are stored upper-case; look-ups and searches compare upper-cased input."""

from __future__ import annotations

SEQUENCE_WIDTH = 4
MAX_LENGTH = 64  # a unit code has at most 32 characters


def prefix_of(unit_code: str) -> str:
    """The number's prefix for a responsible unit (its code, upper-case)."""
    return unit_code.strip().upper()


def task_number(unit_code: str, year: int, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("task number sequences start at 1")
    return f"{prefix_of(unit_code)}-{year}-{sequence:0{SEQUENCE_WIDTH}d}"


def sub_task_number(parent_number: str, position: int) -> str:
    """The `position`-th sub-task (from 1) of the task numbered `parent_number`."""
    if position < 1:
        raise ValueError("sub-task positions start at 1")
    return f"{parent_number}-{position}"


def normalized(text: str) -> str:
    """A number as typed (any case, surrounding blanks) as it is stored."""
    return text.strip().upper()
