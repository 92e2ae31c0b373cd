"""任务编号: a task's human-readable number, its name on paper (docs/domain.md, Task numbers).

- A top-level task: `<RESPONSIBLE UNIT CODE>-<year>-<sequence>`, e.g. `EAST-2026-0042`. The
  sequence counts per (unit, year): the responsible unit when the task is created and the
  task's `year`; it has four digits, zero-padded, and more once a unit passes 9999 in a year.
- A sub-task (a split part, the sampling issued with a relocation) takes the unit's next number
  like any task, not its parent's number with a suffix: the enterprise sees the sampling part of
  an unannounced task once it starts, and `EAST-2026-0042-2` would tell it that a part 1 — the
  unannounced visit — exists and is still to come. Staff see the parent and its parts as links.
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


def normalized(text: str) -> str:
    """A number as typed (any case, surrounding blanks) as it is stored."""
    return text.strip().upper()
