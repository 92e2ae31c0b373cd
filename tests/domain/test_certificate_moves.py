"""Certificate status machine (DOMAIN §3, §7): every pair of statuses, and expiry."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from domain.certificate import ALLOWED_MOVES, SYSTEM_MOVES, check_move, effective_status, expiry_reason
from domain.decisions import (
    DecisionFacts,
    DecisionOutcome,
    SuspensionGround,
    applies_to,
    check_decision,
    required_outcome,
)
from domain.enums import CertificateStatus as S
from domain.errors import DomainError, ErrorCode
from domain.results import Conclusion
from domain.tasks import TaskKind

PAIRS = list(itertools.product(S, S))
EXPECTED_ALLOWED = {
    (S.VALID, S.SUSPENDED),
    (S.VALID, S.REVOKED),
    (S.VALID, S.CANCELLED),
    (S.SUSPENDED, S.VALID),
    (S.SUSPENDED, S.REVOKED),
    (S.SUSPENDED, S.CANCELLED),
    (S.VALID, S.EXPIRED),  # by the system, when expiresOn has passed
    (S.SUSPENDED, S.EXPIRED),
    (S.EXPIRED, S.CANCELLED),  # expiry without renewal is a ground for cancellation (注销)
}


def test_allowed_moves_cover_every_status():
    assert set(ALLOWED_MOVES) == set(S)


def test_allowed_moves_are_the_documented_ones():
    assert {(a, b) for a, targets in ALLOWED_MOVES.items() for b in targets} == EXPECTED_ALLOWED


@pytest.mark.parametrize("final", [S.REVOKED, S.CANCELLED])
def test_revoked_and_cancelled_are_final(final):
    assert ALLOWED_MOVES[final] == frozenset()


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_check_move_for_every_pair(current, target):
    if target in ALLOWED_MOVES[current]:
        assert (current, target) in EXPECTED_ALLOWED
        check_move(current, target, system=target in SYSTEM_MOVES)
    else:
        assert (current, target) not in EXPECTED_ALLOWED
        with pytest.raises(DomainError) as exc:
            check_move(current, target)
        assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
        assert exc.value.field == ("status",)
        assert current.value.lower() in exc.value.message
        assert target.value.lower() in exc.value.message


@pytest.mark.parametrize("status", list(S))
def test_a_status_never_moves_to_itself(status):
    with pytest.raises(DomainError) as exc:
        check_move(status, status)
    assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


@pytest.mark.parametrize("current", [S.VALID, S.SUSPENDED])
def test_only_the_system_expires_a_certificate(current):
    check_move(current, S.EXPIRED, system=True)
    with pytest.raises(DomainError) as exc:
        check_move(current, S.EXPIRED)  # a decision never does
    assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_an_expired_certificate_can_only_be_cancelled():
    assert ALLOWED_MOVES[S.EXPIRED] == {S.CANCELLED}


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        (S.VALID, date(2026, 1, 1), S.VALID),  # valid up to and including expiresOn (有效期至)
        (S.VALID, date(2026, 1, 2), S.EXPIRED),
        (S.SUSPENDED, date(2026, 1, 2), S.EXPIRED),
        (S.REVOKED, date(2027, 1, 1), S.REVOKED),
        (S.CANCELLED, date(2027, 1, 1), S.CANCELLED),
        (S.EXPIRED, date(2027, 1, 1), S.EXPIRED),
    ],
)
def test_effective_status_on_a_day(status, today, expected):
    assert effective_status(status, date(2026, 1, 1), today) == expected


def test_the_expiry_reason_names_the_date_and_the_ground():
    assert "2026-01-01" in expiry_reason(date(2026, 1, 1)) and "有效期满" in expiry_reason(date(2026, 1, 1))


# What a certification decision may still do with expired certificates (domain.decisions).


def _facts(*statuses: S, **over) -> DecisionFacts:
    base = dict(kind=TaskKind.ROUTINE_NOTIFIED, conclusion=Conclusion.PASS, flagged_complex=False,
                marking_nonconformity=False, sampling_failed=False, risk_assessed=False,
                certificate_statuses=statuses)  # fmt: skip
    return DecisionFacts(**{**base, **over})


@pytest.mark.parametrize("outcome", [o for o in DecisionOutcome if o != DecisionOutcome.CANCEL])
def test_a_task_whose_certificates_all_expired_can_only_cancel_them(outcome):
    kind = TaskKind.RESTORATION if outcome == DecisionOutcome.RESTORE else TaskKind.ROUTINE_NOTIFIED
    ground = SuspensionGround.FAILED_INSPECTION if outcome == DecisionOutcome.SUSPEND else None
    with pytest.raises(DomainError) as exc:
        check_decision(_facts(S.EXPIRED, S.EXPIRED, kind=kind), outcome, ground)
    assert exc.value.code == ErrorCode.INVALID and "过期" in exc.value.message
    check_decision(_facts(S.EXPIRED, S.EXPIRED, kind=kind), DecisionOutcome.CANCEL, None)


def test_with_live_certificates_the_decision_applies_to_them_and_leaves_the_expired_ones():
    check_decision(_facts(S.VALID, S.EXPIRED), DecisionOutcome.MAINTAIN, None)
    for outcome in (DecisionOutcome.MAINTAIN, DecisionOutcome.SUSPEND, DecisionOutcome.RESTORE, DecisionOutcome.REVOKE):
        assert applies_to(S.VALID, outcome) and not applies_to(S.EXPIRED, outcome)
    assert applies_to(S.EXPIRED, DecisionOutcome.CANCEL)


def test_relocation_counts_only_live_certificates():
    moved = dict(kind=TaskKind.RELOCATION, sampling_failed=True)
    assert required_outcome(_facts(S.SUSPENDED, S.EXPIRED, **moved)) == DecisionOutcome.REVOKE
    assert required_outcome(_facts(S.VALID, S.EXPIRED, **moved)) == DecisionOutcome.SUSPEND
    assert required_outcome(_facts(S.EXPIRED, **moved)) is None
    check_decision(_facts(S.EXPIRED, **moved), DecisionOutcome.CANCEL, None)
