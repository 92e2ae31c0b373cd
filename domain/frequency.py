"""How often a factory is surveilled (docs/domain.md §4.1) and the yearly plan.

The table is configuration: class -> interval, unannounced or not, sampling or not; each
risk signal moves a factory one class worse. The plan is a pure function of the facts, so a
second run over the same facts proposes the same drafts, and existing ones are skipped."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.enums import FactoryClass
from domain.tasks import TaskKind

CLASS_ORDER = (FactoryClass.A, FactoryClass.B, FactoryClass.C, FactoryClass.D)
FIRST_SURVEILLANCE_MONTHS = 12


@dataclass(frozen=True)
class FrequencyRule:
    interval_months: int  # between routine surveillances
    unannounced: bool  # 不通知检查
    sampling: bool  # 监督抽样 with the inspection


DEFAULT_RULES: Mapping[FactoryClass, FrequencyRule] = {
    FactoryClass.A: FrequencyRule(interval_months=24, unannounced=False, sampling=False),
    FactoryClass.B: FrequencyRule(interval_months=12, unannounced=False, sampling=True),
    FactoryClass.C: FrequencyRule(interval_months=12, unannounced=True, sampling=True),
    FactoryClass.D: FrequencyRule(interval_months=6, unannounced=True, sampling=True),
}


@dataclass(frozen=True)
class PlanningFacts:
    factory_id: int
    classification: FactoryClass
    risk_signals: int  # recent failed spot check, verified complaint, changes at the factory
    last_surveillance_end: date | None
    initial_inspection_end: date | None
    first_certificate_issued: date | None


@dataclass(frozen=True)
class DraftTask:
    factory_id: int
    year: int
    sequence: int  # n-th routine surveillance of this factory in the year: the dedup key
    kind: TaskKind
    due_on: date
    with_sampling: bool
    effective_class: FactoryClass


def effective_class(classification: FactoryClass, risk_signals: int) -> FactoryClass:
    index = min(CLASS_ORDER.index(classification) + max(risk_signals, 0), len(CLASS_ORDER) - 1)
    return CLASS_ORDER[index]


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(facts: PlanningFacts, rule: FrequencyRule) -> date | None:
    """The first surveillance falls within 12 months of the initial inspection's end (or of
    the certificate's issue where there was none); later ones follow the class interval."""
    if facts.last_surveillance_end is not None:
        return add_months(facts.last_surveillance_end, rule.interval_months)
    start = facts.initial_inspection_end or facts.first_certificate_issued
    return add_months(start, FIRST_SURVEILLANCE_MONTHS) if start else None


def plan_year(
    year: int,
    factories: Iterable[PlanningFacts],
    existing: set[tuple[int, int, int]] | None = None,
    rules: Mapping[FactoryClass, FrequencyRule] = DEFAULT_RULES,
) -> list[DraftTask]:
    """Drafts for every factory due in `year`; `existing` holds (factory, year, sequence)
    already planned. Overdue surveillance is planned at the start of the year."""
    existing = existing or set()
    drafts: list[DraftTask] = []
    for facts in factories:
        klass = effective_class(facts.classification, facts.risk_signals)
        rule = rules[klass]
        due = next_due(facts, rule)
        if due is None or due.year > year:
            continue
        due = max(due, date(year, 1, 1))
        sequence = 0
        while due.year == year:
            sequence += 1
            if (facts.factory_id, year, sequence) not in existing:
                kind = TaskKind.ROUTINE_UNANNOUNCED if rule.unannounced else TaskKind.ROUTINE_NOTIFIED
                drafts.append(DraftTask(facts.factory_id, year, sequence, kind, due, rule.sampling, klass))
            due = add_months(due, rule.interval_months)
    return drafts


def relocation_needs_sampling(category_requires_sampling: bool, sampled_this_year: bool) -> bool:
    """§4.6: a relocation inspection brings its sampling task, unless the factory already had
    a completed sampling this calendar year."""
    return category_requires_sampling and not sampled_this_year


RELOCATION_RISK_NOTICE = (
    "搬迁检查通过但抽样检测不合格的，证书可能被暂停、再次暂停或撤销。 "
    "If the relocation inspection passes but the sampling test fails, the certificate may be "
    "suspended, suspended again or revoked."
)
