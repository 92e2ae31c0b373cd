"""The enterprise's corrective action (纠正措施) for one non-conformity (docs/domain.md §4.4):
a description and evidence files, submitted before the correction deadline, amendable as new
versions until the team leader verifies the correction. A submission after the deadline is
kept and flagged late; the deadline rule (`effective_conclusion`) still decides the conclusion."""

from __future__ import annotations

from datetime import date

from domain.errors import DomainError, ErrorCode

MAX_DESCRIPTION = 5000
MAX_EVIDENCE_FILES = 10
EVIDENCE_PURPOSE = "CORRECTIVE_EVIDENCE"  # the purpose of the evidence documents


def next_number(current: int | None, expected: int | None) -> int:
    """The version a submission becomes. The first needs no `expected` (or 0); an amendment
    names the current version it replaces, as every other `expectedVersion` does."""
    if current is None:
        if expected not in (None, 0):
            raise DomainError(
                ErrorCode.STALE_VERSION,
                "no corrective action was submitted yet (you sent version {expected}); reload and retry",
                ("expectedVersion",),
                expected=expected,
            )
        return 1
    if expected is None:
        raise DomainError(
            ErrorCode.CONFLICT,
            "a corrective action (version {current}) was already submitted: "
            "send its version as expectedVersion to amend it",
            ("expectedVersion",),
            current=current,
        )
    if expected != current:
        raise DomainError(
            ErrorCode.STALE_VERSION,
            "the corrective action changed meanwhile (version {current}, you sent {expected}); reload and retry",
            ("expectedVersion",),
            current=current,
            expected=expected,
        )
    return current + 1


def check_open(verified: bool) -> None:
    """Amendable until the leader verifies the correction; never after."""
    if verified:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the team leader has verified this correction: the corrective action can no longer change",
            ("nonconformityId",),
        )


def check_evidence_count(count: int) -> None:
    if count > MAX_EVIDENCE_FILES:
        raise DomainError(
            ErrorCode.INVALID,
            "send at most {max_evidence_files} evidence files at once",
            ("evidence",),
            max_evidence_files=MAX_EVIDENCE_FILES,
        )


def is_late(submitted_on: date, correction_due: date) -> bool:
    """Late: submitted (the service's calendar date) after the correction deadline's day."""
    return submitted_on > correction_due
