"""Pure rules of market purchases (issue 4)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.errors import DomainError
from domain.purchases import CLOCK_SKEW, check_assignable, check_evidence, check_purchase_time, price_in_cents
from domain.tasks import SamplingMethod, TaskKind, TaskStatus

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "cents"), [("0", 0), ("128.5", 12850), ("128.50", 12850), ("1E+2", 10000)])
def test_prices_in_minor_units(text, cents):
    assert price_in_cents(Decimal(text)) == cents


@pytest.mark.parametrize("text", ["-0.01", "1.005", "NaN", "Infinity", "1E+12"])
def test_bad_prices(text):
    with pytest.raises(DomainError):
        price_in_cents(Decimal(text))


def test_purchase_time_window():
    assigned = NOW - timedelta(days=2)
    check_purchase_time(NOW - timedelta(days=1), assigned, NOW)
    check_purchase_time(NOW + CLOCK_SKEW, assigned, NOW)  # a slightly fast phone clock
    for bad in (NOW + CLOCK_SKEW + timedelta(seconds=1), assigned - timedelta(hours=1), datetime(2026, 11, 24, 9)):
        with pytest.raises(DomainError):
            check_purchase_time(bad, assigned, NOW)


def test_assignable_and_evidence():
    check_assignable(TaskKind.SAMPLING, SamplingMethod.PURCHASE, TaskStatus.ISSUED, True)
    for args in (
        (TaskKind.ROUTINE_NOTIFIED, SamplingMethod.PURCHASE, TaskStatus.ISSUED, True),
        (TaskKind.SAMPLING, SamplingMethod.SAMPLING, TaskStatus.ISSUED, True),
        (TaskKind.SAMPLING, SamplingMethod.PURCHASE, TaskStatus.ISSUED, False),
        (TaskKind.SAMPLING, SamplingMethod.PURCHASE, TaskStatus.DRAFT, True),
    ):
        with pytest.raises(DomainError):
            check_assignable(*args)
    check_evidence(1, ["A"])
    for photos, ids in ((0, ["A"]), (7, ["A"]), (1, []), (1, ["A", "A"])):
        with pytest.raises(DomainError):
            check_evidence(photos, ids)
