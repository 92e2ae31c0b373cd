"""Surveillance tasks (docs/domain.md §2, Task states, §4.1-§4.3): kinds, the status machine, exceptions.

The allowed moves are declared once, in TRANSITIONS; later issues (review, decision,
archive) extend that table rather than adding checks elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode, term
from domain.jurisdiction import CHINA


class TaskKind(StrEnum):
    ROUTINE_NOTIFIED = "ROUTINE_NOTIFIED"  # 例行检查（预先通知）
    ROUTINE_UNANNOUNCED = "ROUTINE_UNANNOUNCED"  # 例行检查（不通知）
    SPECIAL = "SPECIAL"  # 特殊检查
    RESTORATION = "RESTORATION"  # 证书恢复工厂检查
    RELOCATION = "RELOCATION"  # 搬迁检查
    SAMPLING = "SAMPLING"  # 监督抽样 (a sub-task, or on its own)


class TaskStatus(StrEnum):
    DRAFT = "DRAFT"  # 草稿
    ISSUED = "ISSUED"  # 已下达
    TEAM_ASSIGNED = "TEAM_ASSIGNED"  # 已组成检查组
    IN_PROGRESS = "IN_PROGRESS"  # 实施中
    RESULTS_SUBMITTED = "RESULTS_SUBMITTED"  # 已提交结果
    RETURNED = "RETURNED"  # 复核退回: the team corrects and submits again
    REVIEWED = "REVIEWED"  # 已复核: waiting for the certification decision
    DECIDED = "DECIDED"  # 已作出认证决定
    ARCHIVED = "ARCHIVED"  # 已归档: read-only; amendments go through the result-change flow
    EXCEPTION = "EXCEPTION"  # 异常
    CANCELLED = "CANCELLED"  # 已取消


class SpecialTrigger(StrEnum):
    SPOT_CHECK_FAILURE = "SPOT_CHECK_FAILURE"  # 国家或省级监督抽查不合格
    COMPLAINT = "COMPLAINT"  # 投诉
    MEDIA_REPORT = "MEDIA_REPORT"  # 媒体报道
    OTHER = "OTHER"  # 其他


class ExceptionReason(StrEnum):
    FACTORY_CLOSED = "FACTORY_CLOSED"  # 工厂关闭
    PRODUCTION_STOPPED = "PRODUCTION_STOPPED"  # 停产
    REFUSED_INSPECTION = "REFUSED_INSPECTION"  # 拒绝检查
    FACTORY_MOVED = "FACTORY_MOVED"  # 工厂搬迁
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"  # 市场上未找到产品
    FORCE_MAJEURE = "FORCE_MAJEURE"  # 不可抗力
    OTHER = "OTHER"  # 其他


class ExceptionHandling(StrEnum):
    RESCHEDULE = "RESCHEDULE"  # 重新安排（新的时间窗口）
    CONVERT_TO_SPECIAL = "CONVERT_TO_SPECIAL"  # 转为特殊检查
    ESCALATE = "ESCALATE"  # 上报总部
    CANCEL = "CANCEL"  # 取消


S = TaskStatus
TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    S.DRAFT: frozenset({S.ISSUED, S.CANCELLED}),
    S.ISSUED: frozenset({S.TEAM_ASSIGNED, S.EXCEPTION, S.CANCELLED}),
    S.TEAM_ASSIGNED: frozenset({S.IN_PROGRESS, S.EXCEPTION, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.RESULTS_SUBMITTED, S.EXCEPTION}),
    S.RESULTS_SUBMITTED: frozenset({S.REVIEWED, S.RETURNED}),
    S.RETURNED: frozenset({S.RESULTS_SUBMITTED}),
    S.REVIEWED: frozenset({S.DECIDED}),
    S.DECIDED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
    # A refused unannounced inspection goes on to a (failed) result and the decision.
    S.EXCEPTION: frozenset({S.ISSUED, S.CANCELLED, S.RESULTS_SUBMITTED}),
    S.CANCELLED: frozenset(),
}
OPEN = frozenset({S.DRAFT, S.ISSUED, S.TEAM_ASSIGNED, S.IN_PROGRESS, S.EXCEPTION})
ROUTINE = frozenset({TaskKind.ROUTINE_NOTIFIED, TaskKind.ROUTINE_UNANNOUNCED})


def check_transition(current: TaskStatus, target: TaskStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            "a task that is {current} cannot become {target}",
            ("status",),
            current=term(current),
            target=term(target),
        )


def aggregate_status(children: Iterable[TaskStatus]) -> TaskStatus | None:
    """The status a parent shows for its sub-tasks: the least advanced one that was not
    cancelled (an exception first); cancelled when all were. None without children."""
    statuses = list(children)
    if not statuses:
        return None
    order = [S.EXCEPTION, S.DRAFT, S.ISSUED, S.TEAM_ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.RESULTS_SUBMITTED,
             S.REVIEWED, S.DECIDED, S.ARCHIVED]  # fmt: skip
    for status in order:
        if status in statuses:
            return status
    return S.CANCELLED


def check_kind_rules(
    kind: TaskKind,
    certificate_statuses: Iterable[CertificateStatus],
    trigger: SpecialTrigger | None,
) -> None:
    """A special inspection names its trigger; a restoration covers suspended certificates only."""
    statuses = list(certificate_statuses)
    if not statuses:
        raise DomainError(ErrorCode.REQUIRED, "a task covers at least one certificate", ("certificateIds",))
    if kind == TaskKind.SPECIAL and trigger is None:
        raise DomainError(ErrorCode.REQUIRED, "a special inspection needs its trigger", ("trigger",))
    if kind != TaskKind.SPECIAL and trigger is not None:
        raise DomainError(ErrorCode.INVALID, "only a special inspection has a trigger", ("trigger",))
    if kind == TaskKind.RESTORATION and any(s != CertificateStatus.SUSPENDED for s in statuses):
        raise DomainError(
            ErrorCode.INVALID,
            "a certificate-restoration inspection is only for suspended certificates",
            ("certificateIds",),
        )
    if kind != TaskKind.RESTORATION and any(
        s in (CertificateStatus.REVOKED, CertificateStatus.CANCELLED, CertificateStatus.EXPIRED) for s in statuses
    ):
        raise DomainError(
            ErrorCode.INVALID,
            "revoked, cancelled or expired (过期) certificates are no longer surveilled",
            ("certificateIds",),
        )


def check_delegation(actor_is_hq: bool, factory_overseas: bool) -> None:
    """Only HQ delegates, and only an overseas factory's task, to a foreign agency (§4.1)."""
    if not factory_overseas:
        raise DomainError(ErrorCode.INVALID, "only tasks for overseas factories go to a foreign agency", ("agency",))
    if not actor_is_hq:
        raise DomainError(ErrorCode.JURISDICTION, "only HQ delegates to a foreign agency", ("agency",))


def executing_unit_after_move(
    *, executing: str, agency_countries: Iterable[str] | None, country: str, responsible: str
) -> str:
    """Who executes an open task once its factory moved. A foreign agency (its countries
    given; None for any other unit) keeps a task HQ delegated to it only while it still
    serves the factory's country, which is never China; otherwise the factory's (new)
    responsible unit executes it, undelegated: only HQ decides on a new delegation."""
    if agency_countries is not None and country != CHINA and country in set(agency_countries):
        return executing
    return responsible


def status_after_team_left(status: TaskStatus) -> TaskStatus:
    """The team of a unit that no longer executes the task leaves it. A staffed or started
    task cannot go on as planned without it: it becomes an exception (工厂搬迁) for the
    responsible unit to handle (reschedule and staff it again, convert, or cancel)."""
    return S.EXCEPTION if status in (S.TEAM_ASSIGNED, S.IN_PROGRESS) else status


@dataclass(frozen=True)
class SamplingFacts:
    """One task of the factory that was to sample it (a sampling task or part, or an inspection
    with sampling), as far as it went."""

    samples: int  # samples recorded for the task, taken on site or bought
    results_first_submitted_on: date | None  # None: no result yet


def sampled_this_year(samplings: Iterable[SamplingFacts], today: date) -> bool:
    """Relocation's "already sampled this calendar year": a sampling actually carried out, i.e. at least
    one sample taken or bought and the task's results first submitted, in today's calendar year,
    whatever year it was planned for and whatever happened to it since (reviewed, decided,
    archived). A task that was to sample but took nothing (refused at the gate, then failed;
    concluded without a sample) did not sample the factory; one never completed (open,
    cancelled) does not count either."""
    return any(
        s.samples > 0 and s.results_first_submitted_on is not None and s.results_first_submitted_on.year == today.year
        for s in samplings
    )


def refusal_is_suspension_ground(kind: TaskKind, reason: ExceptionReason) -> bool:
    """Refusing an unannounced inspection is a ground for suspension at the decision step."""
    return kind == TaskKind.ROUTINE_UNANNOUNCED and reason == ExceptionReason.REFUSED_INSPECTION


class SamplingSite(StrEnum):
    FACTORY = "FACTORY"  # 工厂
    MARKET = "MARKET"  # 市场
    USAGE_SITE = "USAGE_SITE"  # 产品使用场所


class SamplingMethod(StrEnum):
    SAMPLING = "SAMPLING"  # 抽样: taken and sealed
    PURCHASE = "PURCHASE"  # 买样: bought like a customer


def purchase_hides(kind: str, sampling_method: str | None) -> bool:
    """Whether the sampling method keeps the task from its enterprise (买样: a sampling task
    whose samples are bought like a customer) until its team starts or its results come.
    Recorded apart from the task's own unannounced flag (`purchase_secret`), so another method
    set later gives back exactly what the planner (or the plan) chose."""
    return kind == TaskKind.SAMPLING and sampling_method == SamplingMethod.PURCHASE


def kept_until_start(unannounced: bool, purchase_secret: bool) -> bool:
    """Whether the enterprise may not know of the task before its team starts: unannounced
    (不通知) by the planner or the plan, or hidden because it is a purchase."""
    return unannounced or purchase_secret


def told_at_issue(kind: str, unannounced: bool, sampling_method: str | None) -> bool:
    """Whether the enterprise is told of a task (预先通知) once it is issued. Not an unannounced
    one (told when its team starts), nor a sampling task that may still buy its samples like a
    customer (买样: method not set yet, or PURCHASE): that one is told when a method other than
    purchase is set on it, or when its team starts, or with its results (a purchase).
    `unannounced` is the task's own flag, never what a purchase method hid."""
    if unannounced:
        return False
    return not (kind == TaskKind.SAMPLING and (sampling_method is None or purchase_hides(kind, sampling_method)))


def told_when_method_set(kind: str, unannounced: bool, before: str | None, after: str) -> bool:
    """An issued task not told for its method then (`told_at_issue`) that would be told with
    the new one (抽样 after none or 买样): the enterprise is told now, as the issue would have."""
    return not told_at_issue(kind, unannounced, before) and told_at_issue(kind, unannounced, after)


def check_purchase_allowed(kind: str, sampling_method: str, enterprise_told: bool) -> None:
    """买样 cannot be blind once the enterprise knows of the task: its samples are bought on a
    new sampling task instead."""
    if purchase_hides(kind, sampling_method) and enterprise_told:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the enterprise was told of this task already: buy samples on a new sampling task",
            ("method",),
        )


def is_split_container(kind: str, child_kinds: set[str]) -> bool:
    """A split task is a container: its sub-tasks are staffed and inspected, not it. A relocation
    inspection with only its sampling issued alongside is no container: it is inspected itself."""
    kinds = {str(k) for k in child_kinds}
    return bool(kinds) and not (kind == TaskKind.RELOCATION and kinds == {TaskKind.SAMPLING.value})
