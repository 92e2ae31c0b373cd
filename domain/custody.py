"""Sample chain of custody and lab turnaround (issue 4; docs/domain.md, Sampling custody and lab turnaround).

A sample moves sealed -> shipped -> received -> testing -> reported, one step at a time,
never back; each step belongs to one side (the sampling team or the lab)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, term
from domain.working_days import IsWorkday, add_working_days

DEFAULT_TURNAROUND_WORKING_DAYS = 20


class SampleStatus(StrEnum):
    SEALED = "SEALED"  # 已封样
    SHIPPED = "SHIPPED"  # 已寄送
    RECEIVED = "RECEIVED"  # 检测机构已接收
    TESTING = "TESTING"  # 检测中
    REPORTED = "REPORTED"  # 已出具报告


class CustodySide(StrEnum):
    SAMPLER = "SAMPLER"  # the sampling team or market buyer
    LAB = "LAB"  # the receiving test laboratory


ORDER = (SampleStatus.SEALED, SampleStatus.SHIPPED, SampleStatus.RECEIVED, SampleStatus.TESTING, SampleStatus.REPORTED)
STEP_SIDE = {
    SampleStatus.SHIPPED: CustodySide.SAMPLER,
    SampleStatus.RECEIVED: CustodySide.LAB,
    SampleStatus.TESTING: CustodySide.LAB,
    SampleStatus.REPORTED: CustodySide.LAB,
}


def check_step(current: SampleStatus, target: SampleStatus, side: CustodySide) -> None:
    """Only the next step, and only by the side it belongs to."""
    if ORDER.index(target) != ORDER.index(current) + 1:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a {current} sample cannot become {target}: custody moves one step at a time",
            ("status",),
            current=term(current),
            target=term(target),
        )
    if STEP_SIDE[target] != side:
        raise DomainError(
            ErrorCode.INVALID, "the {step_side} records this step", ("status",), step_side=term(STEP_SIDE[target])
        )


def report_due(received_on: date, working_days: int, is_workday: IsWorkday) -> date:
    """Working days by the calendar given (the official one in the service), not Monday-Friday."""
    return add_working_days(received_on, working_days, is_workday)


def is_overdue(
    received_on: date | None, reported_on: date | None, today: date, working_days: int, is_workday: IsWorkday
) -> bool:
    """A lab report is overdue once its due date has passed without a report."""
    if received_on is None or reported_on is not None:
        return False
    return today > report_due(received_on, working_days, is_workday)


def check_position(latitude: float, longitude: float) -> None:
    if not -90 <= latitude <= 90:  # also false for NaN
        raise DomainError(ErrorCode.INVALID, "latitude is -90 to 90 degrees", ("latitude",))
    if not -180 <= longitude <= 180:
        raise DomainError(ErrorCode.INVALID, "longitude is -180 to 180 degrees", ("longitude",))


def check_price(amount_cents: int, currency: str) -> None:
    if amount_cents < 0 or amount_cents > 10**10:
        raise DomainError(ErrorCode.INVALID, "the price is out of range", ("price",))
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise DomainError(ErrorCode.INVALID, "currency is an ISO 4217 code such as CNY", ("currency",))


def check_report(item_results: list[tuple[str, bool]], passed: bool) -> None:
    """A report lists its test items; it passes exactly when every item passes."""
    if not item_results:
        raise DomainError(ErrorCode.REQUIRED, "a report lists at least one test item", ("items",))
    names = [name for name, _ in item_results]
    if len(set(names)) != len(names):
        raise DomainError(ErrorCode.INVALID, "each test item appears once", ("items",))
    if passed != all(ok for _, ok in item_results):
        raise DomainError(
            ErrorCode.INVALID, "the conclusion must be 'pass' exactly when every item passed", ("conclusionPassed",)
        )
