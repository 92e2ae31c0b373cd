"""Working days by China's official calendar (工作日): public holidays are off, and the weekend
days the State Council's yearly notice makes working days (调休) are worked.

The calendar is data (one year at a time, published each autumn), so it is passed in: a year
with no data is counted Monday to Friday, and callers can name that year to the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

IsWorkday = Callable[[date], bool]


def monday_to_friday(day: date) -> bool:
    """The fallback week, for a year whose official calendar is not known."""
    return day.weekday() < 5


@dataclass(frozen=True)
class OfficialCalendar:
    """Public holidays and make-up working days of the years in `known_years`."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked (调休上班)
    known_years: frozenset[int] = frozenset()

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return monday_to_friday(day)

    def missing_years(self, start: date, end: date) -> list[int]:
        """The years from `start` to `end` (either order) for which the calendar has no data."""
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if year not in self.known_years]

    def merged(self, override: OfficialCalendar) -> OfficialCalendar:
        """This calendar with an operator's laid over it: the override wins per date, and only the
        years it declares complete (its `known_years`) become known. A year it merely has some
        dates of is still missing its other holidays (a 元旦 line says nothing of 春节)."""
        off, on = override.holidays, override.workdays
        return OfficialCalendar(
            holidays=(self.holidays - on) | off,
            workdays=(self.workdays - off) | on,
            known_years=self.known_years | override.known_years,
        )


def add_working_days(start: date, days: int, is_workday: IsWorkday) -> date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_workday(current):
            left -= 1
    return current


def working_days_between(start: date, end: date, is_workday: IsWorkday) -> int:
    """Working days after `start` up to and including `end` (0 when it ends the same day)."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        days += is_workday(current)
    return days


def fallback_note(years: Iterable[int]) -> str | None:
    """What to tell a user whose date was counted without the official calendar."""
    missing = sorted(set(years))
    if not missing:
        return None
    named = "、".join(str(y) for y in missing)
    return (
        f"{named} 年法定节假日安排未知，按周一至周五计算 (no official holiday calendar for {named} yet: "
        "counted Monday to Friday; the date may move once it is published)"
    )
