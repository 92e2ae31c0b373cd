"""Surveillance frequency by class and risk, the first surveillance, the yearly plan."""

from datetime import date

import pytest

from domain.enums import FactoryClass as K
from domain.frequency import (
    DEFAULT_RULES,
    FrequencyRule,
    PlanningFacts,
    add_months,
    effective_class,
    next_due,
    plan_year,
    relocation_needs_sampling,
)
from domain.tasks import TaskKind


def facts(fid=1, klass=K.B, risk=0, last=None, initial=None, issued=None):
    return PlanningFacts(fid, klass, risk, last, initial, issued)


@pytest.mark.parametrize(
    ("klass", "risk", "expected"),
    [(K.A, 0, K.A), (K.A, 1, K.B), (K.B, 2, K.D), (K.C, 5, K.D), (K.D, 0, K.D), (K.B, -1, K.B)],
)
def test_each_risk_signal_moves_one_class_worse(klass, risk, expected):
    assert effective_class(klass, risk) == expected


def test_add_months_clamps_to_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 15), 14) == date(2026, 1, 15)


def test_first_surveillance_within_12_months_of_initial_inspection_or_issue():
    rule = DEFAULT_RULES[K.B]
    assert next_due(facts(initial=date(2025, 3, 10), issued=date(2025, 5, 1)), rule) == date(2026, 3, 10)
    assert next_due(facts(issued=date(2025, 5, 1)), rule) == date(2026, 5, 1)
    assert next_due(facts(), rule) is None
    assert next_due(facts(last=date(2025, 6, 30)), DEFAULT_RULES[K.D]) == date(2025, 12, 30)


def test_plan_by_class():
    plan = plan_year(
        2026,
        [
            facts(1, K.A, last=date(2025, 4, 1)),  # A: every 24 months -> 2027, not due
            facts(2, K.B, last=date(2025, 4, 1)),  # B: once, pre-notified, with sampling
            facts(3, K.C, last=date(2025, 4, 1)),  # C: once, unannounced
            facts(4, K.D, last=date(2025, 10, 1)),  # D: twice a year
        ],
    )
    by_factory = {}
    for draft in plan:
        by_factory.setdefault(draft.factory_id, []).append(draft)
    assert 1 not in by_factory
    assert [(d.kind, d.due_on, d.with_sampling) for d in by_factory[2]] == [
        (TaskKind.ROUTINE_NOTIFIED, date(2026, 4, 1), True)
    ]
    assert by_factory[3][0].kind == TaskKind.ROUTINE_UNANNOUNCED
    assert [d.due_on for d in by_factory[4]] == [date(2026, 4, 1), date(2026, 10, 1)]
    assert [d.sequence for d in by_factory[4]] == [1, 2]


def test_risk_raises_frequency():
    calm = plan_year(2026, [facts(1, K.B, last=date(2025, 3, 1))])
    risky = plan_year(2026, [facts(1, K.B, risk=2, last=date(2025, 3, 1))])
    assert [d.due_on for d in calm] == [date(2026, 3, 1)]
    # Two signals make it D: due Sep 2025 (overdue, so start of 2026), then every 6 months.
    assert [d.due_on for d in risky] == [date(2026, 1, 1), date(2026, 7, 1)]
    assert all(d.effective_class == K.D and d.kind == TaskKind.ROUTINE_UNANNOUNCED for d in risky)


def test_overdue_is_planned_at_the_start_of_the_year():
    plan = plan_year(2026, [facts(1, K.B, last=date(2024, 2, 1))])
    assert [d.due_on for d in plan] == [date(2026, 1, 1)]


def test_second_run_does_not_duplicate():
    world = [facts(i, k, last=date(2025, 7, 1)) for i, k in enumerate([K.B, K.C, K.D], start=1)]
    first = plan_year(2026, world)
    existing = {(d.factory_id, d.year, d.sequence) for d in first}
    assert plan_year(2026, world, existing) == []
    assert plan_year(2026, world, existing - {(3, 2026, 2)}) == [
        d for d in first if (d.factory_id, d.sequence) == (3, 2)
    ]


def test_rules_are_configuration():
    strict = {k: FrequencyRule(interval_months=3, unannounced=True, sampling=True) for k in K}
    plan = plan_year(2026, [facts(1, K.A, last=date(2025, 12, 1))], rules=strict)
    assert [d.due_on.month for d in plan] == [3, 6, 9, 12]


@pytest.mark.parametrize(
    ("requires", "sampled", "expected"), [(True, False, True), (True, True, False), (False, False, False)]
)
def test_relocation_sampling(requires, sampled, expected):
    assert relocation_needs_sampling(requires, sampled) is expected
