"""Technical questions and disputes on a result (§4.8): analysed and settled by the
responsible sub-centre, or escalated to HQ, which settles it."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError, ErrorCode, term


class DisputeStatus(StrEnum):
    OPEN = "OPEN"  # 处理中 (the responsible unit analyses it)
    ESCALATED = "ESCALATED"  # 已上报总部
    SETTLED = "SETTLED"  # 已处理完毕


def check_settle(status: DisputeStatus) -> None:
    """Settled once. (Who settles — the responsible unit, or HQ once escalated — is policy.)"""
    if status == DisputeStatus.SETTLED:
        raise DomainError(ErrorCode.CONFLICT, "the dispute is settled already", ("disputeId",))


def check_escalate(status: DisputeStatus) -> None:
    if status != DisputeStatus.OPEN:
        raise DomainError(
            ErrorCode.CONFLICT, "a {status} dispute cannot be escalated", ("disputeId",), status=term(status)
        )
