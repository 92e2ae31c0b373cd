"""The status on a day (domain/public_status.py): end of the day, moves within it, issue and expiry."""

from datetime import date

import pytest

from domain.enums import CertificateStatus as S
from domain.errors import DomainError
from domain.public_status import PublicStatus as P
from domain.public_status import TakenOver, public_day, public_number, public_url, status_on

ISSUED, EXPIRES = date(2022, 3, 1), date(2027, 2, 28)
HISTORY = [(date(2022, 3, 1), S.VALID), (date(2023, 5, 10), S.SUSPENDED), (date(2023, 9, 1), S.VALID)]


@pytest.mark.parametrize(
    ("day", "status", "during"),
    [
        (date(2022, 2, 28), P.NOT_YET_ISSUED, (P.NOT_YET_ISSUED,)),
        (date(2022, 3, 1), P.VALID, (P.VALID,)),
        (date(2023, 5, 9), P.VALID, (P.VALID,)),
        (date(2023, 5, 10), P.SUSPENDED, (P.VALID, P.SUSPENDED)),
        (date(2023, 8, 31), P.SUSPENDED, (P.SUSPENDED,)),
        (date(2023, 9, 1), P.VALID, (P.SUSPENDED, P.VALID)),
        (date(2027, 2, 28), P.VALID, (P.VALID,)),
        (date(2027, 3, 1), P.EXPIRED, (P.EXPIRED,)),
    ],
)
def test_status_on_a_day_is_its_end_of_day_status(day, status, during):
    answer = status_on(day, ISSUED, EXPIRES, [c for c in HISTORY if c[0] <= day])
    assert (answer.status, answer.during_day) == (status, during)


def test_an_issue_recorded_late_counts_from_the_issue_date():
    assert status_on(date(2024, 1, 1), date(2023, 1, 1), EXPIRES, [(date(2024, 6, 1), S.VALID)]).status == P.VALID


def test_revoked_and_cancelled_stay_after_expiry():
    history = [*HISTORY, (date(2024, 1, 2), S.REVOKED)]
    assert status_on(date(2028, 1, 1), ISSUED, EXPIRES, history).status == P.REVOKED


TAKEN = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("taken_over", "day", "status", "during", "begins"),
    [
        (S.REVOKED, date(2022, 2, 28), P.NOT_YET_ISSUED, (P.NOT_YET_ISSUED,), None),
        (S.REVOKED, date(2022, 3, 1), P.UNKNOWN, (P.UNKNOWN,), TAKEN),
        (S.REVOKED, date(2025, 5, 31), P.UNKNOWN, (P.UNKNOWN,), TAKEN),
        (S.REVOKED, TAKEN, P.REVOKED, (P.REVOKED,), None),
        (S.CANCELLED, date(2023, 1, 1), P.UNKNOWN, (P.UNKNOWN,), TAKEN),
        (S.SUSPENDED, date(2024, 1, 1), P.UNKNOWN, (P.UNKNOWN,), TAKEN),
        (S.SUSPENDED, TAKEN, P.SUSPENDED, (P.SUSPENDED,), None),
    ],
)
def test_taken_over_non_valid_is_unknown_before_the_records_begin(taken_over, day, status, during, begins):
    answer = status_on(day, ISSUED, EXPIRES, [], TakenOver(TAKEN, taken_over))
    assert (answer.status, answer.during_day, answer.records_begin) == (status, during, begins)


def test_after_a_take_over_its_own_moves_count_from_the_status_it_came_in():
    suspended = TakenOver(TAKEN, S.SUSPENDED)
    restored = [(TAKEN, S.VALID)]
    assert status_on(TAKEN, ISSUED, EXPIRES, restored, suspended).during_day == (P.SUSPENDED, P.VALID)
    assert status_on(date(2025, 7, 1), ISSUED, EXPIRES, restored, suspended).status == P.VALID


def test_taken_over_suspended_or_expired_was_expired_after_its_expiry_revoked_is_not_known():
    issued, expires, taken = date(2015, 1, 1), date(2020, 1, 1), date(2025, 6, 1)
    for came_in in (S.SUSPENDED, S.EXPIRED):
        assert status_on(date(2021, 1, 1), issued, expires, [], TakenOver(taken, came_in)).status == P.EXPIRED
        assert status_on(date(2019, 1, 1), issued, expires, [], TakenOver(taken, came_in)).status == P.UNKNOWN
    assert status_on(date(2021, 1, 1), issued, expires, [], TakenOver(taken, S.REVOKED)).status == P.UNKNOWN


@pytest.mark.parametrize("raw", ["", " ", "a b", "<x>", "证书", "-1", "1" * 65, "x" * 10_000, "１２\u200b３"])
def test_malformed_numbers(raw):
    with pytest.raises(DomainError):
        public_number(raw)


def test_numbers_are_normalised():
    assert public_number(" ２０２１ｅａ－１ ") == "2021ea-1"


@pytest.mark.parametrize("raw", ["2024-2-1", "2024-02-30", "2024/02/01", "2024-02-01x", "9" * 100, "2024-12-02"])
def test_malformed_impossible_or_future_days(raw):
    with pytest.raises(DomainError):
        public_day(raw, date(2024, 12, 1))


def test_public_url():
    assert public_url("https://ccc.example.org/", "AB-1") == "https://ccc.example.org/public/certificates/AB-1"
    assert public_url("https://ccc.example.org", "AB/1") is None
