"""Sample custody steps and the lab's turnaround deadline (issue 4 groundwork)."""

import itertools
from datetime import date

import pytest

from domain.custody import (
    ORDER,
    STEP_SIDE,
    CustodySide,
    SampleStatus,
    add_working_days,
    check_position,
    check_price,
    check_step,
    is_overdue,
    report_due,
)
from domain.errors import DomainError, ErrorCode
from domain.working_days import OfficialCalendar, monday_to_friday


def test_each_step_by_its_side():
    for current, target in itertools.pairwise(ORDER):
        check_step(current, target, STEP_SIDE[target])
    with pytest.raises(DomainError) as raised:
        check_step(SampleStatus.SHIPPED, SampleStatus.RECEIVED, CustodySide.SAMPLER)  # the lab receives
    assert raised.value.code == ErrorCode.INVALID


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ORDER, ORDER)))
def test_no_skipping_and_no_going_back(current, target):
    if ORDER.index(target) == ORDER.index(current) + 1:
        check_step(current, target, STEP_SIDE[target])
    else:
        with pytest.raises(DomainError) as raised:
            check_step(current, target, CustodySide.LAB)
        assert raised.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_working_days_skip_weekends_and_the_calendars_days_off():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1, monday_to_friday) == date(2026, 11, 23)  # Monday
    assert add_working_days(friday, 5, monday_to_friday) == date(2026, 11, 27)
    day_off = OfficialCalendar(holidays=frozenset({date(2026, 11, 23)}), known_years=frozenset({2026}))
    assert add_working_days(friday, 1, day_off.is_workday) == date(2026, 11, 24)


def test_turnaround_counts_the_working_days_given():
    assert report_due(date(2026, 11, 2), 20, monday_to_friday) == date(2026, 11, 30)  # received Monday
    assert report_due(date(2026, 11, 2), 10, monday_to_friday) == date(2026, 11, 16)


def test_overdue_only_without_a_report_after_the_due_date():
    received, week = date(2026, 11, 2), monday_to_friday
    assert not is_overdue(received, None, date(2026, 11, 30), 20, week)
    assert is_overdue(received, None, date(2026, 12, 1), 20, week)
    assert not is_overdue(received, date(2026, 12, 5), date(2026, 12, 10), 20, week)
    assert not is_overdue(None, None, date(2027, 1, 1), 20, week)


@pytest.mark.parametrize(
    ("lat", "lon", "ok"), [(31.23, 121.47, True), (-90, 180, True), (91, 0, False), (0, -181, False)]
)
def test_gps_position(lat, lon, ok):
    if ok:
        check_position(lat, lon)
    else:
        with pytest.raises(DomainError):
            check_position(lat, lon)


@pytest.mark.parametrize(
    ("cents", "currency", "ok"),
    [(1999, "CNY", True), (0, "EUR", True), (-1, "CNY", False), (100, "cny", False), (100, "RMB1", False)],
)
def test_price(cents, currency, ok):
    if ok:
        check_price(cents, currency)
    else:
        with pytest.raises(DomainError):
            check_price(cents, currency)
