"""The official working-day calendar, built once at start-up: the `chinesecalendar` package's
data (国务院办公厅 holiday notices), with an operator's file laid over it (SURVEIL_HOLIDAYS_FILE)
for years the package does not know yet or for corrections.

The file, one entry a line, `#` starting a comment:

    year 2027 complete                          # the file lists every holiday and 调休 day of 2027
    2027-01-01 holiday 元旦
    2027-02-06..2027-02-13 holiday 春节          # a run of at most 32 days
    2027-02-20 workday 调休上班

A year becomes known only through its `year YYYY complete` line: dates of a year not declared
complete still apply, but the rest of that year is counted as if the file said nothing of it
(the package's data if it has the year, else Monday to Friday, named), and the start-up warns.

A date in a year with no data at all is counted Monday to Friday; the first time that happens
for a year, a warning names the year, and `note` gives the user-facing explanation."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar

from domain.working_days import OfficialCalendar, fallback_note

log = logging.getLogger("surveil.calendar")
LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?\s+(holiday|workday)\b")
COMPLETE = re.compile(r"^year\s+(\d{4})\s+complete$")
EXPECTED = "expected 'year YYYY complete', 'YYYY-MM-DD holiday|workday' or 'START..END holiday|workday'"
MAX_RANGE_DAYS = 31


class WorkCalendar:
    def __init__(self, official: OfficialCalendar, source: str) -> None:
        self.official = official
        self.source = source
        self._warned: set[int] = set()

    def is_workday(self, day: date) -> bool:
        if day.year not in self.official.known_years and day.year not in self._warned:
            self._warned.add(day.year)
            log.warning(
                "no official working-day calendar for %d (%s): counting Monday to Friday; "
                "add that year's holidays and make-up working days to SURVEIL_HOLIDAYS_FILE, "
                "with a line 'year %d complete'",
                day.year,
                self.source,
                day.year,
            )
        return self.official.is_workday(day)

    def note(self, start: date, end: date) -> str | None:
        """Why a date counted from `start` to `end` may move: null when every year is known."""
        return fallback_note(self.official.missing_years(start, end))


def package_calendar() -> OfficialCalendar:
    holidays = frozenset(chinese_calendar.holidays)
    known = range(min(holidays).year, max(holidays).year + 1)
    return OfficialCalendar(holidays, frozenset(chinese_calendar.workdays), frozenset(known))


def read_override(path: str) -> OfficialCalendar:
    """The file's dates, and as `known_years` the years it declares complete (format in the
    module's docstring). A malformed line stops the start-up with its line number."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    complete: set[int] = set()
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if declared := COMPLETE.match(line):
            complete.add(int(declared[1]))
            continue
        match = LINE.match(line)
        try:
            first = date.fromisoformat(match[1]) if match else None
            last = date.fromisoformat(match[2]) if match and match[2] else first
        except ValueError:
            first = last = None
        if first is None or last is None or not 0 <= (last - first).days <= MAX_RANGE_DAYS:
            raise ValueError(f"{path}:{number}: {EXPECTED}, got {raw!r}")
        target = holidays if match[3] == "holiday" else workdays
        target.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    if clash := holidays & workdays:
        raise ValueError(f"{path}: {min(clash).isoformat()} is listed both as a holiday and as a working day")
    return OfficialCalendar(frozenset(holidays), frozenset(workdays), frozenset(complete))


def build_calendar(override_file: str | None = None) -> WorkCalendar:
    official = package_calendar()
    source = f"chinesecalendar {chinese_calendar.__version__} knows {min(official.known_years)}-"
    source += str(max(official.known_years))
    if override_file:
        override = read_override(override_file)
        listed = {d.year for d in override.holidays | override.workdays}
        for year in sorted(listed - override.known_years - official.known_years):
            log.warning(
                "%s lists dates of %d but does not declare the year complete ('year %d complete'): "
                "%d is counted Monday to Friday outside the dates listed",
                override_file,
                year,
                year,
                year,
            )
        official = official.merged(override)
        source += f", with {override_file}"
        if override.known_years:
            source += " (complete: " + ", ".join(str(y) for y in sorted(override.known_years)) + ")"
    return WorkCalendar(official, source)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The package's calendar alone, for configurations built without settings (the demo seed)."""
    return build_calendar(None)
