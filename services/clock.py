"""The service's one clock. Timestamps are stored in UTC; every calendar date the rules use
(today, the day a sample was received or a result submitted, the year a sampling counts for,
the day a certificate's validity ends) is the date in the certification body's time zone,
China's by default: 2025-12-31T17:00Z is 2026-01-01 in Beijing.

The zone is set once at start-up (SURVEIL_TIME_ZONE, read by server/settings.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Asia/Shanghai"

_zone: ZoneInfo | None = None  # resolved on first use, so that importing never needs the zone database


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name`, or ValueError saying what to do."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}: give an IANA name such as {DEFAULT_TIME_ZONE} (the zone data comes from "
            "the system's tzdata package, or from the Python package tzdata)"
        ) from exc


def use_time_zone(name: str) -> ZoneInfo:
    """Set the service's time zone (at start-up; ValueError for an unknown one)."""
    global _zone
    _zone = zone_named(name)
    return _zone


def time_zone() -> ZoneInfo:
    global _zone
    if _zone is None:
        _zone = zone_named(DEFAULT_TIME_ZONE)
    return _zone


def today() -> date:
    """The service's date now."""
    return datetime.now(time_zone()).date()


def local_date(at: datetime) -> date:
    """The service's calendar date of a stored instant (a naive one is taken as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(time_zone()).date()


def start_of(day: date) -> datetime:
    """The instant, in UTC as stored, at which the service's `day` begins."""
    return datetime.combine(day, time(), time_zone()).astimezone(UTC)


def end_of(day: date) -> datetime:
    """The instant at which the service's `day` ends (the next day begins)."""
    return start_of(day + timedelta(days=1))
