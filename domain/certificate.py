"""Certificate status machine (DOMAIN §3, §7): the allowed moves, declared in one place."""

from __future__ import annotations

from domain.enums import CertificateStatus as S
from domain.errors import DomainError, ErrorCode

ALLOWED_MOVES: dict[S, frozenset[S]] = {
    S.VALID: frozenset({S.SUSPENDED, S.REVOKED, S.CANCELLED}),
    S.SUSPENDED: frozenset({S.VALID, S.REVOKED, S.CANCELLED}),
    S.REVOKED: frozenset(),
    S.CANCELLED: frozenset(),
}

VALIDITY_YEARS = 5


def check_move(current: S, target: S) -> None:
    if target not in ALLOWED_MOVES[current]:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            f"a {current.value.lower()} certificate cannot become {target.value.lower()}",
            ("status",),
        )
