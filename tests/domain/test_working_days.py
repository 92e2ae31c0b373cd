"""Working days by China's official calendar: public holidays off, make-up weekend days (调休)
worked, an operator's file for years the package does not know, and Monday to Friday (named)
where no calendar exists for a year."""

import logging
from datetime import date

import pytest

from domain.custody import is_overdue, report_due
from domain.working_days import (
    OfficialCalendar,
    add_working_days,
    fallback_note,
    monday_to_friday,
    working_days_between,
)
from services.calendar import build_calendar, package_calendar

# A small calendar of its own: 2030-10-01..07 off, Sunday 2030-09-29 and Saturday 2030-10-12 worked.
NATIONAL_DAY = OfficialCalendar(
    holidays=frozenset(date(2030, 10, d) for d in range(1, 8)),
    workdays=frozenset({date(2030, 9, 29), date(2030, 10, 12)}),
    known_years=frozenset({2030}),
)


def test_holidays_are_off_and_make_up_days_are_worked():
    assert NATIONAL_DAY.is_workday(date(2030, 9, 29))  # a Sunday, worked
    assert not NATIONAL_DAY.is_workday(date(2030, 10, 1))  # a Tuesday, off
    assert NATIONAL_DAY.is_workday(date(2030, 10, 8))  # an ordinary Tuesday
    assert not NATIONAL_DAY.is_workday(date(2030, 10, 13))  # an ordinary Sunday
    assert add_working_days(date(2030, 9, 27), 2, NATIONAL_DAY.is_workday) == date(2030, 9, 30)
    assert add_working_days(date(2030, 9, 30), 1, NATIONAL_DAY.is_workday) == date(2030, 10, 8)
    assert working_days_between(date(2030, 9, 30), date(2030, 10, 12), NATIONAL_DAY.is_workday) == 5
    assert working_days_between(date(2030, 9, 30), date(2030, 10, 12), monday_to_friday) == 9


def test_unknown_years_are_named():
    assert NATIONAL_DAY.missing_years(date(2029, 12, 20), date(2031, 1, 5)) == [2029, 2031]
    assert NATIONAL_DAY.missing_years(date(2030, 1, 1), date(2030, 12, 31)) == []
    assert fallback_note([]) is None
    assert "2031" in fallback_note([2031]) and "周一至周五" in fallback_note([2031])


def test_an_override_wins_per_date_and_only_its_complete_years_become_known():
    override = OfficialCalendar(
        holidays=frozenset({date(2030, 9, 29), date(2031, 1, 1), date(2032, 1, 1)}),
        workdays=frozenset({date(2030, 10, 5)}),
        known_years=frozenset({2031}),
    )
    merged = NATIONAL_DAY.merged(override)
    assert not merged.is_workday(date(2030, 9, 29)) and merged.is_workday(date(2030, 10, 5))
    assert not merged.is_workday(date(2031, 1, 1)) and not merged.is_workday(date(2032, 1, 1))
    assert merged.known_years == {2030, 2031}  # 2032: one date listed, the year not declared complete


def test_the_turnaround_uses_the_calendar_it_is_given():
    # 20 working days from Monday 2030-09-23: without the holiday it would be 2030-10-21.
    assert report_due(date(2030, 9, 23), 20, monday_to_friday) == date(2030, 10, 21)
    assert report_due(date(2030, 9, 23), 20, NATIONAL_DAY.is_workday) == date(2030, 10, 24)
    assert not is_overdue(date(2030, 9, 23), None, date(2030, 10, 24), 20, NATIONAL_DAY.is_workday)
    assert is_overdue(date(2030, 9, 23), None, date(2030, 10, 25), 20, NATIONAL_DAY.is_workday)


# The package's data (chinesecalendar), through the adapter the service builds at start-up.


@pytest.fixture
def official():
    return build_calendar()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 9, 30), date(2025, 11, 4)),  # Monday-Friday would say 2025-10-28
        (date(2025, 9, 27), date(2025, 10, 30)),  # Sunday 09-28 and Saturday 10-11 are worked
    ],
)
def test_national_day_2025(official, received, due):
    assert report_due(received, 20, official.is_workday) == due
    assert official.note(received, due) is None


def test_mid_autumn_and_national_day_2026(official):
    if 2026 not in official.official.known_years:
        pytest.skip("this chinesecalendar has no 2026 data")
    # 09-20 (Sunday) and 10-10 (Saturday) worked; 09-25 and 10-01..07 off. Monday-Friday: 2026-10-16.
    assert report_due(date(2026, 9, 18), 20, official.is_workday) == date(2026, 10, 22)


def test_override_file(tmp_path, official):
    year = max(official.official.known_years) + 1  # a year the package does not know yet
    saturday = next(date(year, 10, d) for d in range(8, 15) if date(year, 10, d).weekday() == 5)
    path = tmp_path / "holidays.txt"
    path.write_text(
        f"# {year} 国务院办公厅通知\nyear {year} complete\n{year}-10-01..{year}-10-07 holiday National Day 国庆节\n"
        f"{saturday.isoformat()} workday  # 调休上班\n",
        encoding="utf-8",
    )
    custom = build_calendar(str(path))
    assert not any(custom.is_workday(date(year, 10, d)) for d in range(1, 8))
    assert custom.is_workday(saturday) and not official.is_workday(saturday)
    assert custom.note(date(year, 9, 1), date(year, 11, 1)) is None
    assert official.note(date(year, 9, 1), date(year, 11, 1)) is not None
    assert custom.is_workday(date(2025, 9, 28))  # the package's data stays underneath


@pytest.mark.parametrize(
    "text",
    [
        "2027-13-01 holiday",
        "2027-10-01 off",
        "2027-10-07..2027-10-01 holiday",
        "2027-10-01 holiday\n2027-10-01 workday",
        "year 27 complete",
        "year 2027",
        "year 2027 complete 2028",
    ],
)
def test_a_malformed_override_file_is_refused(tmp_path, text):
    path = tmp_path / "holidays.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"holidays\.txt"):
        build_calendar(str(path))


def test_a_year_without_data_falls_back_and_is_named_once(official, caplog):
    year = max(package_calendar().known_years) + 1
    start = date(year, 3, 2)
    with caplog.at_level(logging.WARNING, logger="surveil.calendar"):
        due = report_due(start, 20, official.is_workday)
        report_due(start, 20, official.is_workday)
    assert due == add_working_days(start, 20, monday_to_friday)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(year) in warnings[0]
    assert str(year) in official.note(start, due)


def test_dates_of_a_year_not_declared_complete_apply_but_leave_the_year_unknown(tmp_path, official, caplog):
    year = max(official.official.known_years) + 1
    path = tmp_path / "holidays.txt"
    path.write_text(f"{year}-01-01 holiday 元旦\n2025-10-10 holiday  # a correction to a year the package knows\n")
    with caplog.at_level(logging.WARNING, logger="surveil.calendar"):
        custom = build_calendar(str(path))
    assert [r.getMessage() for r in caplog.records] == [
        f"{path} lists dates of {year} but does not declare the year complete ('year {year} complete'): "
        f"{year} is counted Monday to Friday outside the dates listed"
    ]
    # The rest of the year (its Spring Festival included) is not known: counted Monday to Friday, and said so.
    spring = date(year, 2, 1)
    assert custom.note(spring, date(year, 3, 1)) == fallback_note([year])
    assert add_working_days(spring, 20, custom.is_workday) == add_working_days(spring, 20, monday_to_friday)
    assert year not in custom.official.known_years
    assert not custom.is_workday(date(year, 1, 1)) or date(year, 1, 1).weekday() >= 5  # the date listed applies
    assert not custom.is_workday(date(2025, 10, 10)) and official.is_workday(date(2025, 10, 10))
    assert custom.note(date(2025, 9, 1), date(2025, 11, 1)) is None  # the package still knows 2025


def test_a_year_declared_complete_is_known_even_with_few_dates(tmp_path, official):
    year = max(official.official.known_years) + 1
    path = tmp_path / "holidays.txt"
    path.write_text(f"year {year} complete  # 国务院办公厅通知, all of it\n{year}-01-01 holiday\n")
    custom = build_calendar(str(path))
    assert year in custom.official.known_years and custom.note(date(year, 2, 1), date(year, 3, 1)) is None
