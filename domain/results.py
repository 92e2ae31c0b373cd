"""Inspection results (docs/domain.md §4.4): the conclusion, the non-conformities found, their
correction within a deadline, and its verification in writing or on site."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import DomainError, ErrorCode
from domain.frequency import add_months

DEFAULT_CORRECTION_MONTHS = 3
MAX_NONCONFORMITIES = 100


class Conclusion(StrEnum):
    PASS = "PASS"  # 通过
    PASS_AFTER_CORRECTION = "PASS_AFTER_CORRECTION"  # 整改后通过
    FAIL = "FAIL"  # 不通过


class Severity(StrEnum):
    SERIOUS = "SERIOUS"  # 严重不符合
    GENERAL = "GENERAL"  # 一般不符合


class VerificationMethod(StrEnum):
    WRITTEN = "WRITTEN"  # 书面验证
    ON_SITE = "ON_SITE"  # 现场验证 (with the on-site verification report, form 0402.05)


@dataclass(frozen=True)
class Finding:
    clause: str
    severity: Severity
    description: str


@dataclass(frozen=True)
class CorrectionState:
    due_on: date
    closed: bool  # verified as corrected by the deadline

    @classmethod
    def of(cls, due_on: date, verified_closed: bool | None, verified_on: date | None) -> CorrectionState:
        """A correction verified after its deadline does not count: the fail stands."""
        return cls(due_on, bool(verified_closed) and verified_on is not None and verified_on <= due_on)


def check_result(conclusion: Conclusion, findings: list[Finding]) -> None:
    """A pass has no open finding; a pass after correction has findings to correct, none of
    them serious; a fail says why (a finding, or the lab's report for sampling)."""
    if len(findings) > MAX_NONCONFORMITIES:
        raise DomainError(
            ErrorCode.INVALID,
            "at most {max_nonconformities} non-conformities",
            ("nonconformities",),
            max_nonconformities=MAX_NONCONFORMITIES,
        )
    if conclusion == Conclusion.PASS and findings:
        raise DomainError(
            ErrorCode.INVALID, "a pass has no non-conformities: conclude 'pass after correction'", ("conclusion",)
        )
    if conclusion == Conclusion.PASS_AFTER_CORRECTION:
        if not findings:
            raise DomainError(ErrorCode.INVALID, "'pass after correction' lists what to correct", ("conclusion",))
        if any(f.severity == Severity.SERIOUS for f in findings):
            raise DomainError(ErrorCode.INVALID, "a serious non-conformity fails the inspection", ("conclusion",))


def correction_due(submitted_on: date, months: int = DEFAULT_CORRECTION_MONTHS) -> date:
    return add_months(submitted_on, months)


def effective_conclusion(conclusion: Conclusion, corrections: Iterable[CorrectionState], today: date) -> Conclusion:
    """A correction not verified closed by its deadline turns 'pass after correction' into a fail."""
    if conclusion == Conclusion.PASS_AFTER_CORRECTION and any(not c.closed and today > c.due_on for c in corrections):
        return Conclusion.FAIL
    return conclusion


def corrections_settled(conclusion: Conclusion, corrections: Iterable[CorrectionState], today: date) -> bool:
    """Ready for review: nothing left to correct, every correction closed, or the deadline
    passed (the result then stands as a fail)."""
    if conclusion != Conclusion.PASS_AFTER_CORRECTION:
        return True
    return all(c.closed or today > c.due_on for c in corrections)
