"""Market purchases (买样, docs/domain.md §4.11).

A market buyer, assigned by the planner of the responsible unit, buys the product like a
customer: shop, GPS position, time, price and receipt are the evidence that the sample is
what was on sale. Rules here are pure: the service supplies the facts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, term
from domain.tasks import SamplingMethod, TaskKind, TaskStatus
from domain.validation import CLOCK_SKEW, MAX_OFFLINE  # shared with every offline record

MAX_PHOTOS = 6
MAX_SAMPLES_PER_PURCHASE = 20


class AssignmentStatus(StrEnum):
    ASSIGNED = "ASSIGNED"  # 已分派: the buyer is out buying
    COMPLETED = "COMPLETED"  # 已完成: the buyer reported the work done
    WITHDRAWN = "WITHDRAWN"  # 已撤回: the planner took the work back
    EXCEPTION = "EXCEPTION"  # 异常: the buyer could not buy (e.g. product not on the market)


ASSIGNABLE_TASK_STATUS = (TaskStatus.ISSUED, TaskStatus.TEAM_ASSIGNED, TaskStatus.IN_PROGRESS)
PURCHASABLE_TASK_STATUS = (TaskStatus.TEAM_ASSIGNED, TaskStatus.IN_PROGRESS)


def check_assignable(kind: TaskKind, method: SamplingMethod | None, status: TaskStatus, lab_set: bool) -> None:
    """Purchase work is a sampling task of its own (split it off an inspection first), with
    its sampling details (method purchase, the lab) set by the planner."""
    if kind != TaskKind.SAMPLING:
        raise DomainError(
            ErrorCode.CONFLICT, "buyers work on sampling tasks: split the purchase part off first", ("taskId",)
        )
    if method != SamplingMethod.PURCHASE or not lab_set:
        raise DomainError(
            ErrorCode.CONFLICT, "set the sampling details first, with the purchase method and a lab", ("taskId",)
        )
    if status not in ASSIGNABLE_TASK_STATUS:
        raise DomainError(ErrorCode.CONFLICT, "a {status} task takes no buyer", ("taskId",), status=term(status))


def price_in_cents(amount: Decimal) -> int:
    """The price in minor units: at most two decimals, not negative."""
    if not amount.is_finite() or (amount.is_signed() and amount != 0):
        raise DomainError(ErrorCode.INVALID, "a price is a number and not negative", ("price",))
    if amount.adjusted() > 8:  # checked before any arithmetic: 1e999999 must not overflow
        raise DomainError(ErrorCode.INVALID, "the price is out of range", ("price",))
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):  # type: ignore[operator]
        raise DomainError(ErrorCode.INVALID, "a price has at most two decimals", ("price",))
    return int(amount.scaleb(2))


def check_purchase_time(purchased_at: datetime, assigned_at: datetime, now: datetime) -> None:
    """Bought after the assignment (a phone's clock may be a little off) and not in the future."""
    if purchased_at.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "give the purchase time with its UTC offset", ("purchasedAt",))
    if purchased_at > now + CLOCK_SKEW:
        raise DomainError(ErrorCode.INVALID, "the purchase time is in the future", ("purchasedAt",))
    if purchased_at < assigned_at - CLOCK_SKEW or purchased_at < now - MAX_OFFLINE:
        raise DomainError(ErrorCode.INVALID, "the purchase time is before the assignment", ("purchasedAt",))


def check_evidence(photo_count: int, sample_identifiers: list[str]) -> None:
    """At least one product photo and one sample; every sample identifier once."""
    if not 1 <= photo_count <= MAX_PHOTOS:
        raise DomainError(
            ErrorCode.INVALID, "send 1 to {max_photos} product photos", ("photos",), max_photos=MAX_PHOTOS
        )
    if not 1 <= len(sample_identifiers) <= MAX_SAMPLES_PER_PURCHASE:
        raise DomainError(
            ErrorCode.INVALID,
            "a purchase has 1 to {max_samples_per_purchase} samples",
            ("samples",),
            max_samples_per_purchase=MAX_SAMPLES_PER_PURCHASE,
        )
    if len(set(sample_identifiers)) != len(sample_identifiers):
        raise DomainError(ErrorCode.INVALID, "each sample identifier appears once", ("samples",))


def check_open(status: AssignmentStatus) -> None:
    if status != AssignmentStatus.ASSIGNED:
        raise DomainError(ErrorCode.CONFLICT, "the assignment is {status}", ("assignmentId",), status=term(status))
