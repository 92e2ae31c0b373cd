"""Certificate status machine (DOMAIN §3, §7): every pair of statuses."""

from __future__ import annotations

import itertools

import pytest

from domain.certificate import ALLOWED_MOVES, check_move
from domain.enums import CertificateStatus as S
from domain.errors import DomainError, ErrorCode

PAIRS = list(itertools.product(S, S))
EXPECTED_ALLOWED = {
    (S.VALID, S.SUSPENDED),
    (S.VALID, S.REVOKED),
    (S.VALID, S.CANCELLED),
    (S.SUSPENDED, S.VALID),
    (S.SUSPENDED, S.REVOKED),
    (S.SUSPENDED, S.CANCELLED),
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
        check_move(current, target)
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
