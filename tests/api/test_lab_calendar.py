"""The lab's 20 working days run by China's official calendar (public holidays off, 调休 make-up
days worked), with an operator's file for years the package does not know yet, and a note
naming the year when a due date had to be counted Monday to Friday."""

import dataclasses
from datetime import UTC, date, datetime

import pytest

from domain.working_days import add_working_days, monday_to_friday
from schema.relay import from_global_id
from server.settings import Settings
from services.calendar import package_calendar
from store.models import LabReport, Sample
from tests.api.archive_support import STATS
from tests.api.sampling_support import REPORT, _sample_under_test

DUE = "{ samples(first: 5) { nodes { reportDueOn reportDueNote overdue } } }"
UNKNOWN_YEAR = max(package_calendar().known_years) + 1  # the first year chinesecalendar has no data for


async def _received_on(api, day: date) -> dict:
    """A sample under test whose receipt is moved to `day` (time cannot be rewound through the API)."""
    sample = await _sample_under_test(api)
    await Sample.filter(id=from_global_id(sample["id"])[1]).update(
        received_at=datetime.combine(day, datetime.min.time(), UTC)
    )
    return sample


async def _due(api) -> dict:
    return (await api.data(DUE, as_user="lab.east2"))["samples"]["nodes"][0]


async def test_a_sample_received_before_national_day_is_due_by_the_official_calendar(api):
    await _received_on(api, date(2025, 9, 30))
    # Off 10-01..10-08, Saturday 10-11 worked: 2025-11-04 (Monday to Friday would say 2025-10-28).
    assert await _due(api) == {"reportDueOn": "2025-11-04", "reportDueNote": None, "overdue": True}


async def test_a_year_without_a_calendar_is_counted_monday_to_friday_and_named(api):
    received = date(UNKNOWN_YEAR, 9, 30)
    await _received_on(api, received)
    due = await _due(api)
    assert due["reportDueOn"] == add_working_days(received, 20, monday_to_friday).isoformat()
    assert str(UNKNOWN_YEAR) in due["reportDueNote"] and "周一至周五" in due["reportDueNote"]


class TestHolidaysFile:
    """SURVEIL_HOLIDAYS_FILE supplies the holidays of a year the package does not know."""

    @pytest.fixture
    def settings(self, world_url, tmp_path):
        path = tmp_path / "holidays.txt"
        path.write_text(
            f"year {UNKNOWN_YEAR} complete\n{UNKNOWN_YEAR}-10-01..{UNKNOWN_YEAR}-10-07 holiday 国庆节\n",
            encoding="utf-8",
        )
        return dataclasses.replace(Settings(), database_url=world_url, holidays_file=str(path))

    async def test_the_file_moves_the_due_date_and_clears_the_note(self, api):
        received = date(UNKNOWN_YEAR, 9, 30)
        await _received_on(api, received)
        off = {date(UNKNOWN_YEAR, 10, d) for d in range(1, 8)}
        expected = add_working_days(received, 20, lambda d: monday_to_friday(d) and d not in off)
        assert await _due(api) == {"reportDueOn": expected.isoformat(), "reportDueNote": None, "overdue": False}


class TestHolidaysFileWithoutTheYearDeclaredComplete:
    """One date of a year does not make the year known: its other holidays (the Spring Festival)
    are still missing, so the due date is counted Monday to Friday around the listed date, and said so."""

    @pytest.fixture
    def settings(self, world_url, tmp_path):
        path = tmp_path / "holidays.txt"
        path.write_text(f"{UNKNOWN_YEAR}-01-01 holiday 元旦\n", encoding="utf-8")
        return dataclasses.replace(Settings(), database_url=world_url, holidays_file=str(path))

    async def test_the_year_is_still_named_in_the_note(self, api):
        received = date(UNKNOWN_YEAR, 1, 25)  # the Spring Festival falls within 20 working days
        await _received_on(api, received)
        new_year = date(UNKNOWN_YEAR, 1, 1)
        expected = add_working_days(received, 20, lambda d: monday_to_friday(d) and d != new_year)
        due = await _due(api)
        assert due["reportDueOn"] == expected.isoformat()
        assert str(UNKNOWN_YEAR) in due["reportDueNote"] and "周一至周五" in due["reportDueNote"]


async def test_lab_turnaround_in_monitoring_counts_official_working_days(api):
    sample = await _received_on(api, date(2025, 9, 30))
    body = {"sampleId": sample["id"], "expectedVersion": 4, "items": [{"item": "marking", "passed": True}],
            "conclusionPassed": True}  # fmt: skip
    assert (await api.data(REPORT, {"i": body}, as_user="lab.east2"))["submitLabReport"]["userErrors"] == []
    reported = datetime(2025, 10, 11, 9, tzinfo=UTC)  # the make-up Saturday after the holiday
    sample_id = from_global_id(sample["id"])[1]
    await Sample.filter(id=sample_id).update(reported_at=reported)
    await LabReport.filter(sample_id=sample_id).update(reported_at=reported)
    period = {"unit": "east", "from": "2025-10-01", "to": "2025-10-31"}
    seen = (await api.data(STATS, period, as_user="east.reviewer"))["monitoring"]["labTurnaround"]
    # 10-09, 10-10 and Saturday 10-11: 3 working days (Monday to Friday would count 8).
    assert seen == [{"lab": "east-lab-2", "reports": 1, "meanWorkingDays": 3.0}]
