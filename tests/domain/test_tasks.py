"""Task kinds, the status machine and the rules on creating and delegating tasks."""

import itertools
from datetime import date

import pytest

from domain.enums import CertificateStatus as C
from domain.errors import DomainError, ErrorCode
from domain.tasks import (
    TRANSITIONS,
    ExceptionReason,
    SamplingFacts,
    SpecialTrigger,
    TaskKind,
    TaskStatus,
    aggregate_status,
    check_delegation,
    check_kind_rules,
    check_transition,
    executing_unit_after_move,
    refusal_is_suspension_ground,
    sampled_this_year,
    status_after_team_left,
)

S = TaskStatus
HAPPY_PATH = [S.DRAFT, S.ISSUED, S.TEAM_ASSIGNED, S.IN_PROGRESS, S.RESULTS_SUBMITTED]


def test_happy_path_is_allowed():
    for current, target in itertools.pairwise(HAPPY_PATH):
        check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_pair_follows_the_table(current, target):
    if target in TRANSITIONS[current]:
        check_transition(current, target)
    else:
        with pytest.raises(DomainError) as raised:
            check_transition(current, target)
        assert raised.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_no_skipping_and_no_going_back():
    for current, skipped in [
        (S.DRAFT, S.TEAM_ASSIGNED),
        (S.ISSUED, S.IN_PROGRESS),
        (S.TEAM_ASSIGNED, S.RESULTS_SUBMITTED),
    ]:
        with pytest.raises(DomainError):
            check_transition(current, skipped)
    for earlier, later in itertools.combinations(HAPPY_PATH, 2):
        with pytest.raises(DomainError):
            check_transition(later, earlier)


def test_final_states():
    assert TRANSITIONS[S.CANCELLED] == frozenset()
    assert S.CANCELLED in TRANSITIONS[S.EXCEPTION] and S.ISSUED in TRANSITIONS[S.EXCEPTION]


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([], None),
        ([S.RESULTS_SUBMITTED, S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.RESULTS_SUBMITTED, S.EXCEPTION, S.DRAFT], S.EXCEPTION),
        ([S.ISSUED, S.TEAM_ASSIGNED], S.ISSUED),
        ([S.RESULTS_SUBMITTED, S.CANCELLED], S.RESULTS_SUBMITTED),
        ([S.CANCELLED, S.CANCELLED], S.CANCELLED),
    ],
)
def test_aggregate_status(children, expected):
    assert aggregate_status(children) == expected


def test_special_needs_a_trigger_and_others_have_none():
    with pytest.raises(DomainError) as raised:
        check_kind_rules(TaskKind.SPECIAL, [C.VALID], None)
    assert raised.value.field == ("trigger",)
    check_kind_rules(TaskKind.SPECIAL, [C.VALID], SpecialTrigger.COMPLAINT)
    with pytest.raises(DomainError):
        check_kind_rules(TaskKind.ROUTINE_NOTIFIED, [C.VALID], SpecialTrigger.COMPLAINT)


def test_restoration_only_for_suspended_certificates():
    check_kind_rules(TaskKind.RESTORATION, [C.SUSPENDED, C.SUSPENDED], None)
    for other in (C.VALID, C.REVOKED, C.CANCELLED, C.EXPIRED):
        with pytest.raises(DomainError) as raised:
            check_kind_rules(TaskKind.RESTORATION, [C.SUSPENDED, other], None)
        assert raised.value.field == ("certificateIds",)


@pytest.mark.parametrize("kind", [k for k in TaskKind if k != TaskKind.RESTORATION])
def test_revoked_cancelled_or_expired_certificates_are_not_surveilled(kind):
    trigger = SpecialTrigger.OTHER if kind == TaskKind.SPECIAL else None
    for gone in (C.REVOKED, C.CANCELLED, C.EXPIRED):
        with pytest.raises(DomainError):
            check_kind_rules(kind, [C.VALID, gone], trigger)
    check_kind_rules(kind, [C.VALID, C.SUSPENDED], trigger)


def test_a_task_covers_a_certificate():
    with pytest.raises(DomainError) as raised:
        check_kind_rules(TaskKind.ROUTINE_NOTIFIED, [], None)
    assert raised.value.code == ErrorCode.REQUIRED


def test_delegation_is_hq_and_overseas_only():
    check_delegation(actor_is_hq=True, factory_overseas=True)
    with pytest.raises(DomainError) as raised:
        check_delegation(actor_is_hq=False, factory_overseas=True)
    assert raised.value.code == ErrorCode.JURISDICTION
    with pytest.raises(DomainError):
        check_delegation(actor_is_hq=True, factory_overseas=False)


def test_refused_unannounced_inspection_is_a_suspension_ground():
    assert refusal_is_suspension_ground(TaskKind.ROUTINE_UNANNOUNCED, ExceptionReason.REFUSED_INSPECTION)
    assert not refusal_is_suspension_ground(TaskKind.ROUTINE_NOTIFIED, ExceptionReason.REFUSED_INSPECTION)
    assert not refusal_is_suspension_ground(TaskKind.ROUTINE_UNANNOUNCED, ExceptionReason.FACTORY_CLOSED)


AGENCY = ("agency-x", ["DE", "AT"])


@pytest.mark.parametrize(
    ("executing", "country", "responsible", "expected"),
    [
        (AGENCY, "AT", "hq", "agency-x"),  # still served by the agency HQ delegated to
        (AGENCY, "FR", "hq", "hq"),  # another country: back to HQ, undelegated
        (AGENCY, "CN", "east", "east"),  # a domestic factory never goes to a foreign agency
        (("agency-cn", ["CN"]), "CN", "east", "east"),  # not even one that lists China
        (("east", None), "CN", "south", "south"),  # the responsible unit executes its own tasks
        (("hq", None), "DE", "hq", "hq"),  # moving abroad delegates nothing by itself
    ],
)
def test_executing_unit_after_a_move(executing, country, responsible, expected):
    code, countries = executing
    after = executing_unit_after_move(
        executing=code, agency_countries=countries, country=country, responsible=responsible
    )
    assert after == expected


def test_a_staffed_or_started_task_whose_team_left_is_an_exception():
    for status in S:
        expected = S.EXCEPTION if status in (S.TEAM_ASSIGNED, S.IN_PROGRESS) else status
        assert status_after_team_left(status) == expected
        if expected != status:
            check_transition(status, expected)  # a move the table allows


TODAY = date(2026, 12, 1)


def carried_out(on: date | None, samples: int = 1) -> SamplingFacts:
    return SamplingFacts(samples=samples, results_first_submitted_on=on)


@pytest.mark.parametrize(
    ("samplings", "expected"),
    [
        ([carried_out(TODAY)], True),  # whatever year it was planned for, whatever its status now
        ([carried_out(date(2026, 1, 1), samples=3)], True),
        ([carried_out(date(2025, 12, 31))], False),  # last year
        ([carried_out(date(2027, 1, 1))], False),
        ([carried_out(None)], False),  # sampled, but no result yet
        ([carried_out(None, samples=0)], False),  # open or cancelled
        ([carried_out(TODAY, samples=0)], False),  # refused at the gate and failed, or concluded: nothing taken
        ([], False),
        (
            [
                carried_out(None),
                carried_out(TODAY, samples=0),
                carried_out(date(2025, 6, 1)),
                carried_out(date(2026, 3, 2)),
            ],
            True,
        ),
    ],
)
def test_sampled_this_year_needs_a_sample_and_its_results_this_year(samplings, expected):
    assert sampled_this_year(samplings, TODAY) is expected
