"""The service's clock: calendar dates in the certification body's time zone (China's by
default), set once at start-up from SURVEIL_TIME_ZONE; storage stays UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.app import create_app
from server.cli import main
from server.settings import Settings, load_settings
from services import clock


@pytest.fixture(autouse=True)
def _default_zone_afterwards():
    yield
    clock.use_time_zone(clock.DEFAULT_TIME_ZONE)


def test_the_default_zone_is_china_and_its_data_is_found():
    assert Settings().time_zone == clock.DEFAULT_TIME_ZONE == "Asia/Shanghai"
    assert clock.time_zone() == ZoneInfo("Asia/Shanghai")


def test_a_stored_instant_has_the_date_it_has_in_beijing():
    assert clock.local_date(datetime(2025, 12, 31, 15, 59, tzinfo=UTC)) == date(2025, 12, 31)
    assert clock.local_date(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert clock.local_date(datetime(2025, 12, 31, 17, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert clock.local_date(datetime(2025, 12, 31, 17, 0)) == date(2026, 1, 1)  # naive: taken as UTC
    assert clock.local_date(datetime(2026, 1, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))) == date(2026, 1, 1)


def test_a_day_starts_and_ends_at_midnight_in_beijing_given_in_utc():
    assert clock.start_of(date(2026, 1, 2)) == datetime(2026, 1, 1, 16, tzinfo=UTC)
    assert clock.end_of(date(2026, 1, 1)) == datetime(2026, 1, 1, 16, tzinfo=UTC)
    assert clock.start_of(date(2026, 1, 2)).tzinfo is UTC  # compared as stored (SQLite compares text)


def test_today_is_the_date_in_the_service_zone():
    for name in ("Pacific/Kiritimati", "Etc/GMT+12"):  # 14 hours ahead, 12 behind: never the same date
        clock.use_time_zone(name)
        assert clock.today() == datetime.now(ZoneInfo(name)).date()


def test_an_unknown_zone_is_refused_at_start_up(monkeypatch):
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        clock.use_time_zone("Mars/Olympus")
    assert clock.time_zone() == ZoneInfo("Asia/Shanghai")  # unchanged
    monkeypatch.setenv("SURVEIL_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(RuntimeError, match="SURVEIL_TIME_ZONE"):
        load_settings()


def test_the_zone_is_set_once_by_the_app_and_by_the_cli(monkeypatch, tmp_path):
    monkeypatch.setenv("SURVEIL_TIME_ZONE", "Europe/Berlin")
    assert load_settings().time_zone == "Europe/Berlin"
    create_app(Settings(time_zone="America/Sao_Paulo"))
    assert clock.time_zone() == ZoneInfo("America/Sao_Paulo")
    assert main(["schema", "export", "--output", str(tmp_path / "schema.graphql")]) == 0
    assert clock.time_zone() == ZoneInfo("Europe/Berlin")
