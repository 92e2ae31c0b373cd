"""Pure rules of results, decisions and disputes (issue 5)."""

from datetime import date

import pytest

from domain.decisions import (
    DecisionFacts,
    DecisionOutcome,
    SuspensionGround,
    check_decision,
    check_independence,
    required_outcome,
    spot_check_revokes,
    suspension_end,
    suspension_expired,
)
from domain.disputes import DisputeStatus, check_escalate, check_settle
from domain.enums import CertificateStatus as C
from domain.errors import DomainError, ErrorCode
from domain.results import (
    Conclusion,
    CorrectionState,
    Finding,
    Severity,
    check_result,
    correction_due,
    corrections_settled,
    effective_conclusion,
)
from domain.tasks import TaskKind

GENERAL = Finding("4.2", Severity.GENERAL, "records")
TODAY = date(2026, 11, 24)


def facts(**over) -> DecisionFacts:
    base = dict(kind=TaskKind.ROUTINE_NOTIFIED, conclusion=Conclusion.PASS, flagged_complex=False,
                marking_nonconformity=False, sampling_failed=False, risk_assessed=False,
                certificate_statuses=(C.VALID,))  # fmt: skip
    return DecisionFacts(**{**base, **over})


def code_of(fn, *args) -> ErrorCode | None:
    try:
        fn(*args)
    except DomainError as exc:
        return exc.code
    return None


def test_conclusion_and_findings_agree():
    assert code_of(check_result, Conclusion.PASS, []) is None
    assert code_of(check_result, Conclusion.PASS, [GENERAL]) == ErrorCode.INVALID
    assert code_of(check_result, Conclusion.PASS_AFTER_CORRECTION, [GENERAL]) is None
    serious = Finding("4.3", Severity.SERIOUS, "x")
    assert code_of(check_result, Conclusion.PASS_AFTER_CORRECTION, [GENERAL, serious]) == ErrorCode.INVALID
    assert code_of(check_result, Conclusion.FAIL, [serious]) is None


def test_correction_deadline_and_effective_conclusion():
    assert correction_due(date(2026, 11, 30), 3) == date(2027, 2, 28)
    due = date(2026, 12, 1)
    open_, closed = CorrectionState(due, False), CorrectionState(due, True)
    p = Conclusion.PASS_AFTER_CORRECTION
    assert effective_conclusion(p, [open_], due) == p  # the deadline day itself is still in time
    assert effective_conclusion(p, [open_], date(2026, 12, 2)) == Conclusion.FAIL
    assert effective_conclusion(p, [closed], date(2027, 1, 1)) == p
    assert not corrections_settled(p, [open_], due) and corrections_settled(p, [open_], date(2026, 12, 2))


def test_independence():
    assert code_of(check_independence, 5, {5, 6}, (), False) == ErrorCode.CONFLICT
    assert code_of(check_independence, 7, {5, 6}, {7}, True) == ErrorCode.CONFLICT
    assert code_of(check_independence, 7, {5, 6}, {7}, False) is None
    assert code_of(check_independence, 7, {5, 6}, {8, 9}, True) is None


@pytest.mark.parametrize(
    "over",
    [{"flagged_complex": True}, {"kind": TaskKind.SPECIAL}, {"marking_nonconformity": True}],
)
def test_risk_assessment_first(over):
    assert code_of(check_decision, facts(**over), DecisionOutcome.MAINTAIN, None) == ErrorCode.CONFLICT
    assert code_of(check_decision, facts(**over, risk_assessed=True), DecisionOutcome.MAINTAIN, None) is None


def test_no_decision_while_samples_are_at_the_lab():
    assert code_of(check_decision, facts(samples_pending=True), DecisionOutcome.MAINTAIN, None) == ErrorCode.CONFLICT


def test_decision_rules():
    failed = facts(conclusion=Conclusion.FAIL)
    assert code_of(check_decision, failed, DecisionOutcome.MAINTAIN, None) == ErrorCode.INVALID
    assert code_of(check_decision, failed, DecisionOutcome.SUSPEND, None) == ErrorCode.REQUIRED
    assert code_of(check_decision, failed, DecisionOutcome.SUSPEND, SuspensionGround.FAILED_INSPECTION) is None
    assert code_of(check_decision, failed, DecisionOutcome.REVOKE, SuspensionGround.OTHER) == ErrorCode.REQUIRED
    assert code_of(check_decision, facts(), DecisionOutcome.RESTORE, None) == ErrorCode.INVALID
    restoration = facts(kind=TaskKind.RESTORATION, certificate_statuses=(C.SUSPENDED,))
    assert code_of(check_decision, restoration, DecisionOutcome.RESTORE, None) is None
    assert code_of(check_decision, facts(sampling_failed=True), DecisionOutcome.MAINTAIN, None) == ErrorCode.INVALID


def test_relocation_outcome_follows_the_certificate_state():
    moved = dict(kind=TaskKind.RELOCATION, sampling_failed=True)
    assert required_outcome(facts(**moved)) == DecisionOutcome.SUSPEND
    assert required_outcome(facts(**moved, certificate_statuses=(C.SUSPENDED,))) == DecisionOutcome.REVOKE
    assert required_outcome(facts(**moved, conclusion=Conclusion.FAIL)) is None  # failed anyway: decider's call
    assert required_outcome(facts(kind=TaskKind.RELOCATION)) is None
    assert code_of(check_decision, facts(**moved), DecisionOutcome.REVOKE, None) == ErrorCode.INVALID


def test_suspension_periods_and_expiry():
    assert suspension_end(TODAY, SuspensionGround.VOLUNTARY, 6) == date(2027, 11, 24)
    assert suspension_end(TODAY, SuspensionGround.FAILED_SAMPLING, 6) == date(2027, 5, 24)
    assert suspension_expired(C.SUSPENDED, date(2026, 11, 23), TODAY)
    assert not suspension_expired(C.SUSPENDED, TODAY, TODAY)
    assert not suspension_expired(C.VALID, date(2020, 1, 1), TODAY)


def test_spot_checks_and_disputes():
    assert [spot_check_revokes(n) for n in (1, 2, 3, 4)] == [False, False, True, True]
    assert code_of(check_settle, DisputeStatus.SETTLED) == ErrorCode.CONFLICT
    assert code_of(check_settle, DisputeStatus.ESCALATED) is None
    assert code_of(check_escalate, DisputeStatus.ESCALATED) == ErrorCode.CONFLICT
