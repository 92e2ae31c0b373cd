"""The official working-day calendar, built once at start-up: the `chinesecalendar` package's
data (国务院办公厅 holiday notices), with an operator's file laid over it (SURVEIL_HOLIDAYS_FILE)
for years the package does not know yet or for corrections.

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
                "add that year's holidays and make-up working days to SURVEIL_HOLIDAYS_FILE",
                day.year,
                self.source,
            )
        return self.official.is_workday(day)

    def note(self, start: date, end: date) -> str | None:
        """Why a date counted from `start` to `end` may move: null when every year is known."""
        return fallback_note(self.official.missing_years(start, end))


def package_calendar() -> OfficialCalendar:
    holidays = frozenset(chinese_calendar.holidays)
    known = range(min(holidays).year, max(holidays).year + 1)
    return OfficialCalendar(holidays, frozenset(chinese_calendar.workdays), frozenset(known))


def read_override(path: str) -> tuple[set[date], set[date]]:
    """Lines `YYYY-MM-DD holiday|workday [name]`, or `START..END holiday [name]` for a run of
    days; `#` starts a comment. A malformed line stops the start-up with its line number."""
    holidays: set[date] = set()
    workdays: set[date] = set()
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = LINE.match(line)
        try:
            first = date.fromisoformat(match[1]) if match else None
            last = date.fromisoformat(match[2]) if match and match[2] else first
        except ValueError:
            first = last = None
        if first is None or last is None or not 0 <= (last - first).days <= MAX_RANGE_DAYS:
            raise ValueError(
                f"{path}:{number}: expected 'YYYY-MM-DD holiday|workday' or 'START..END holiday|workday', got {raw!r}"
            )
        target = holidays if match[3] == "holiday" else workdays
        target.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    if clash := holidays & workdays:
        raise ValueError(f"{path}: {min(clash).isoformat()} is listed both as a holiday and as a working day")
    return holidays, workdays


def build_calendar(override_file: str | None = None) -> WorkCalendar:
    official = package_calendar()
    source = f"chinesecalendar {chinese_calendar.__version__} knows {min(official.known_years)}-"
    source += str(max(official.known_years))
    if override_file:
        official = official.merged(*read_override(override_file))
        source += f", with {override_file}"
    return WorkCalendar(official, source)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The package's calendar alone, for configurations built without settings (the demo seed)."""
    return build_calendar(None)
