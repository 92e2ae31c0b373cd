"""Review (复核), risk assessment, the certification decision and what it does to the
certificates (docs/domain.md §4.4, §4.6, Independence). Pure rules over facts the service
gathers; the certificate moves themselves are checked by domain.certificate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode, term
from domain.frequency import add_months
from domain.results import Conclusion
from domain.tasks import TaskKind

DEFAULT_SUSPENSION_MONTHS = 6
VOLUNTARY_SUSPENSION_MONTHS = 12
SPOT_CHECK_FAILURES_TO_REVOKE = 3


class ReviewOutcome(StrEnum):
    AGREE = "AGREE"  # 同意
    RETURN = "RETURN"  # 退回检查组


class RiskLevel(StrEnum):
    LOW = "LOW"  # 低
    MEDIUM = "MEDIUM"  # 中
    HIGH = "HIGH"  # 高


class DecisionOutcome(StrEnum):
    MAINTAIN = "MAINTAIN"  # 保持
    SUSPEND = "SUSPEND"  # 暂停
    REVOKE = "REVOKE"  # 撤销
    RESTORE = "RESTORE"  # 恢复
    CANCEL = "CANCEL"  # 注销


class SuspensionGround(StrEnum):
    FAILED_SAMPLING = "FAILED_SAMPLING"  # 监督抽样检测不合格
    FAILED_INSPECTION = "FAILED_INSPECTION"  # 监督检查不通过
    REFUSED_UNANNOUNCED = "REFUSED_UNANNOUNCED"  # 拒绝或未按时接受不通知检查/抽样
    NO_MARKET_SAMPLING_COOPERATION = "NO_MARKET_SAMPLING_COOPERATION"  # 不配合市场抽样
    UNAPPROVED_CHANGE = "UNAPPROVED_CHANGE"  # 未经批准变更
    MISUSE = "MISUSE"  # 违规使用证书或标志
    VOLUNTARY = "VOLUNTARY"  # 自愿暂停（季节性、订单生产）
    SPOT_CHECK_FAILURE = "SPOT_CHECK_FAILURE"  # 国家或省级监督抽查不合格
    OTHER = "OTHER"  # 其他


class SpotCheckLevel(StrEnum):
    NATIONAL = "NATIONAL"  # 国家级监督抽查
    PROVINCIAL = "PROVINCIAL"  # 省级监督抽查


TARGET_STATUS: dict[DecisionOutcome, CertificateStatus | None] = {
    DecisionOutcome.MAINTAIN: None,
    DecisionOutcome.SUSPEND: CertificateStatus.SUSPENDED,
    DecisionOutcome.REVOKE: CertificateStatus.REVOKED,
    DecisionOutcome.RESTORE: CertificateStatus.VALID,
    DecisionOutcome.CANCEL: CertificateStatus.CANCELLED,
}


@dataclass(frozen=True)
class DecisionFacts:
    """What the decision maker decides on."""

    kind: TaskKind
    conclusion: Conclusion  # the effective one (an unclosed correction counts as a fail)
    flagged_complex: bool
    marking_nonconformity: bool  # a lab report on the task (or its family) found one
    sampling_failed: bool  # a lab report on the task (or its family) failed
    risk_assessed: bool
    certificate_statuses: tuple[CertificateStatus, ...]
    samples_pending: bool = False  # a sample of the task (or its family) has no lab report yet


def check_independence(actor_id: int, team_ids: Iterable[int], reviewer_ids: Iterable[int], deciding: bool) -> None:
    """ISO/IEC 17065 §7.6: nobody reviews or decides on their own inspection (or on a part of
    it); the decision maker reviewed none of the task's results."""
    if actor_id in set(team_ids):
        raise DomainError(ErrorCode.CONFLICT, "you were on this task's team: someone independent must do this", ())
    if deciding and actor_id in set(reviewer_ids):
        raise DomainError(ErrorCode.CONFLICT, "the decision maker must not be a reviewer of the task", ())


def risk_assessment_reasons(facts: DecisionFacts) -> list[str]:
    """Why a risk assessment must come first (§4.4); empty when none is needed."""
    reasons = []
    if facts.flagged_complex:
        reasons.append("the task is flagged complex")
    if facts.kind == TaskKind.SPECIAL:
        reasons.append("it is a special inspection")
    if facts.marking_nonconformity:
        reasons.append("a lab report found a marking (标志) non-conformity")
    return reasons


def applies_to(status: CertificateStatus, outcome: DecisionOutcome) -> bool:
    """An expired certificate (过期) is past maintaining, suspending, restoring or revoking: only
    a cancellation (注销, the ground for expiry without renewal) still moves it. The other
    outcomes apply to the task's live certificates and leave the expired ones as they are."""
    return status != CertificateStatus.EXPIRED or outcome == DecisionOutcome.CANCEL


def required_outcome(facts: DecisionFacts) -> DecisionOutcome | None:
    """Relocation (§4.6): inspection passed but sampling failed -> suspend (a suspended
    certificate among valid ones is suspended again: its period runs anew); when every
    certificate still live is suspended already, revoke."""
    if facts.kind != TaskKind.RELOCATION or not facts.sampling_failed or facts.conclusion == Conclusion.FAIL:
        return None
    live = [s for s in facts.certificate_statuses if s != CertificateStatus.EXPIRED]
    if facts.certificate_statuses and not live:  # all expired: only a cancellation is left
        return None
    if live and all(s == CertificateStatus.SUSPENDED for s in live):
        return DecisionOutcome.REVOKE
    return DecisionOutcome.SUSPEND


def check_decision(facts: DecisionFacts, outcome: DecisionOutcome, ground: SuspensionGround | None) -> None:
    if facts.samples_pending:
        raise DomainError(ErrorCode.CONFLICT, "samples are still with the lab: wait for their reports", ("outcome",))
    reasons = risk_assessment_reasons(facts)
    if reasons and not facts.risk_assessed:
        raise DomainError(
            ErrorCode.CONFLICT, "a risk assessment must come first: {reasons}", ("outcome",), reasons="; ".join(reasons)
        )
    if (outcome == DecisionOutcome.SUSPEND) != (ground is not None):
        raise DomainError(ErrorCode.REQUIRED, "a suspension names its ground, and only a suspension", ("ground",))
    statuses = facts.certificate_statuses
    if statuses and not any(applies_to(s, outcome) for s in statuses):
        raise DomainError(
            ErrorCode.INVALID,
            "every certificate of this task has expired (过期, 有效期满): the only decision left is to cancel (注销)",
            ("outcome",),
        )
    required = required_outcome(facts)
    if required is not None and outcome != required:
        raise DomainError(
            ErrorCode.INVALID,
            "relocation passed but its sampling failed: the decision is {required}",
            ("outcome",),
            required=term(required),
        )
    failed = facts.conclusion == Conclusion.FAIL or facts.sampling_failed
    if outcome == DecisionOutcome.MAINTAIN and failed:
        raise DomainError(
            ErrorCode.INVALID, "the inspection or its sampling failed: the certificate cannot simply be maintained",
            ("outcome",),
        )  # fmt: skip
    if outcome == DecisionOutcome.RESTORE and (facts.kind != TaskKind.RESTORATION or failed):
        raise DomainError(
            ErrorCode.INVALID, "restoring needs a passed certificate-restoration inspection", ("outcome",)
        )


def suspension_end(start: date, ground: SuspensionGround, months: int = DEFAULT_SUSPENSION_MONTHS) -> date:
    return add_months(start, VOLUNTARY_SUSPENSION_MONTHS if ground == SuspensionGround.VOLUNTARY else months)


def suspension_expired(status: CertificateStatus, suspended_until: date | None, today: date) -> bool:
    """A suspension over without restoration is a ground for revocation (flagged, not automatic)."""
    return status == CertificateStatus.SUSPENDED and suspended_until is not None and today > suspended_until


def spot_check_revokes(failures_including_this: int) -> bool:
    """§4.6: the third failure of the same certificate's products revokes it directly."""
    return failures_including_this >= SPOT_CHECK_FAILURES_TO_REVOKE
