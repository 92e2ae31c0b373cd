"""Pure rules of the enterprise's corrective actions (issue 13, D)."""

from datetime import date

import pytest

from domain.corrective_actions import MAX_EVIDENCE_FILES, check_evidence_count, check_open, is_late, next_number
from domain.errors import DomainError, ErrorCode


@pytest.mark.parametrize(("current", "expected", "number"), [(None, None, 1), (None, 0, 1), (1, 1, 2), (4, 4, 5)])
def test_versions_follow_on(current, expected, number):
    assert next_number(current, expected) == number


@pytest.mark.parametrize(
    ("current", "expected", "code"),
    [(1, None, ErrorCode.CONFLICT), (2, 1, ErrorCode.STALE_VERSION), (None, 1, ErrorCode.STALE_VERSION)],
)
def test_an_amendment_names_the_current_version(current, expected, code):
    with pytest.raises(DomainError) as refused:
        next_number(current, expected)
    assert refused.value.code == code and refused.value.field == ("expectedVersion",)


def test_late_is_after_the_due_day():
    due = date(2026, 3, 31)
    assert not is_late(date(2026, 3, 31), due) and not is_late(date(2026, 1, 1), due)
    assert is_late(date(2026, 4, 1), due)


def test_closed_once_verified_and_bounded_evidence():
    check_open(False)
    with pytest.raises(DomainError) as refused:
        check_open(True)
    assert refused.value.code == ErrorCode.CONFLICT
    check_evidence_count(MAX_EVIDENCE_FILES)
    with pytest.raises(DomainError) as refused:
        check_evidence_count(MAX_EVIDENCE_FILES + 1)
    assert refused.value.field == ("evidence",)
