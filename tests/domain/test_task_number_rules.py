"""The task number's format (domain/task_numbers.py)."""

import pytest

from domain.task_numbers import MAX_LENGTH, normalized, task_number


def test_unit_code_upper_case_year_and_a_four_digit_sequence():
    assert task_number("east", 2026, 42) == "EAST-2026-0042"
    assert task_number("agency-de", 2027, 1) == "AGENCY-DE-2027-0001"
    assert task_number("hq", 2026, 9999) == "HQ-2026-9999"
    assert task_number("hq", 2026, 10000) == "HQ-2026-10000"  # more digits, never cut


@pytest.mark.parametrize("bad", [0, -1])
def test_sequences_start_at_one(bad):
    with pytest.raises(ValueError):
        task_number("east", 2026, bad)


def test_typed_numbers_are_compared_in_the_stored_form():
    assert normalized("  east-2026-0042 ") == "EAST-2026-0042"


def test_the_longest_unit_code_fits():
    assert len(task_number("x" * 32, 2100, 9_999_999)) <= MAX_LENGTH
