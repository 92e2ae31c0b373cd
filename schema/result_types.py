"""Results, review, risk, decision and disputes in GraphQL, and the task fields that show
them. Reviews and risk assessments are internal: enterprises and agencies do not see risk,
enterprises do not see review comments."""

from __future__ import annotations

import datetime as dt

import strawberry

from domain.results import Conclusion as DomainConclusion
from domain.results import CorrectionState, effective_conclusion
from schema import result_enums as re
from schema.corrective_types import CorrectiveAction, corrective_action
from schema.relay import Node, to_global_id

RISK_ACTIONS = ("task.risk_assessment",)


@strawberry.type(description="不符合项 A non-conformity, its correction and the verification.")
class Nonconformity:
    id: strawberry.ID = strawberry.field(description="For verifyCorrection")
    clause: str = strawberry.field(description="条款")
    severity: re.Severity = strawberry.field(description="严重程度 Severity.")
    description: str = strawberry.field(description="What was found.")
    correction_due: dt.date = strawberry.field(description="整改期限")
    corrective_action: str | None = strawberry.field(
        description="纠正措施 as the team leader recorded it when verifying (the enterprise's own submissions: "
        "correctiveActions)"
    )
    verification_method: re.VerificationMethod | None = strawberry.field(
        description="验证方式 How the correction was verified."
    )
    verified_closed: bool | None = strawberry.field(description="Verified as corrected (null: not verified yet)")
    verification_note: str | None = strawberry.field(description="The verifier's note.")
    verified_by: str | None = strawberry.field(description="Login of the team leader who verified it.")
    verified_at: dt.datetime | None = strawberry.field(description="When it was verified; null while open.")
    verification_report_url: str | None = strawberry.field(description="现场验证报告 0402.05, when on site")
    _id: strawberry.Private[int]

    @strawberry.field(
        description="纠正措施 The enterprise's corrective actions for this finding, every version, newest last"
    )
    async def corrective_actions(self, info: strawberry.Info) -> list[CorrectiveAction]:
        return [corrective_action(a, docs) for a, docs in await info.context.loaders.corrective_actions.load(self._id)]

    @strawberry.field(description="纠正措施 The enterprise's current corrective action (null: none submitted)")
    async def current_corrective_action(self, info: strawberry.Info) -> CorrectiveAction | None:
        found = [(a, docs) for a, docs in await info.context.loaders.corrective_actions.load(self._id) if a.current]
        return corrective_action(*found[0]) if found else None

    clause_title: str | None = strawberry.field(
        description="条款标题 Title of the checklist item it was found on (null for a free-text finding)"
    )

    @classmethod
    def from_model(cls, m) -> Nonconformity:
        return cls(
            id=to_global_id("Nonconformity", m.id), clause=m.clause, severity=re.Severity(m.severity),
            description=m.description, correction_due=m.correction_due, corrective_action=m.corrective_action,
            verification_method=re.VerificationMethod(m.verification_method) if m.verification_method else None,
            verified_closed=m.verified_closed, verification_note=m.verification_note,
            verified_by=m.verified_by.login if m.verified_by_id else None, verified_at=m.verified_at,
            verification_report_url=(
                f"/documents/{m.verification_document_id}" if m.verification_document_id else None
            ),
            _id=m.id,
            clause_title=m.checklist_item.title if m.checklist_item_id else None,
        )  # fmt: skip


@strawberry.type(description="检查结论 One version of a task's result; a change adds a version.")
class InspectionResult:
    number: int = strawberry.field(description="Version 1, 2, ...")
    current: bool = strawberry.field(description="True for the version in force.")
    conclusion: re.Conclusion = strawberry.field(description="检查结论 The conclusion.")
    summary: str = strawberry.field(description="The team's summary.")
    submitted_by: str = strawberry.field(description="Login of the team leader who submitted it.")
    submitted_at: dt.datetime = strawberry.field(description="When it was submitted.")
    change_reason: str | None = strawberry.field(description="Why this version replaced the previous one")
    after_archive: bool = strawberry.field(description="归档后修改 An amendment made after the record was archived")
    _model: strawberry.Private[object]

    @strawberry.field(description="不符合项 Non-conformities of this version")
    async def nonconformities(self, info: strawberry.Info) -> list[Nonconformity]:
        rows = await info.context.loaders.result_nonconformities.load(self._model.id)
        return [Nonconformity.from_model(r) for r in rows]

    @strawberry.field(description="Effective conclusion: a correction not closed by its deadline makes it a fail")
    async def effective_conclusion(self, info: strawberry.Info) -> re.Conclusion:
        rows = await info.context.loaders.result_nonconformities.load(self._model.id)
        states = [
            CorrectionState.of(
                r.correction_due, r.verified_closed, info.context.local_date(r.verified_at) if r.verified_at else None
            )
            for r in rows
        ]
        return re.Conclusion(
            effective_conclusion(DomainConclusion(self._model.conclusion), states, info.context.today())
        )

    @classmethod
    def from_model(cls, m) -> InspectionResult:
        return cls(
            number=m.number, current=m.current, conclusion=re.Conclusion(m.conclusion), summary=m.summary,
            submitted_by=m.submitted_by.login, submitted_at=m.submitted_at, change_reason=m.change_reason,
            after_archive=m.after_archive, _model=m,
        )  # fmt: skip


@strawberry.type(description="复核 A review of a result version.")
class Review:
    outcome: re.ReviewOutcome = strawberry.field(description="复核结论 Agreed or returned.")
    comments: str = strawberry.field(description="The reviewer's comments.")
    reviewer: str = strawberry.field(description="Login of the reviewer 复核人.")
    reviewed_at: dt.datetime = strawberry.field(description="When it was reviewed.")
    result_number: int = strawberry.field(description="Version of the result reviewed.")


@strawberry.type(description="风险评估 A risk assessment (internal: never shown to agencies or enterprises).")
class RiskAssessment:
    level: re.RiskLevel = strawberry.field(description="风险等级 The risk level.")
    recommendation: str = strawberry.field(description="The recommendation to the decision maker.")
    assessed_by: str = strawberry.field(description="Login of the assessor.")
    assessed_at: dt.datetime = strawberry.field(description="When it was assessed.")


@strawberry.type(description="认证决定 The certification decision on a task.")
class Decision:
    outcome: re.DecisionOutcome = strawberry.field(description="认证决定 The decision.")
    ground: re.SuspensionGround | None = strawberry.field(description="The suspension's ground, when suspended.")
    reason: str = strawberry.field(description="Why, as the decision maker wrote it.")
    decider: str = strawberry.field(description="Login of the decision maker 认证决定人.")
    decided_at: dt.datetime = strawberry.field(description="When it was decided.")
    result_number: int = strawberry.field(description="The result version decided on")


@strawberry.type(description="技术争议 A technical dispute on a task's result (§4.8).")
class Dispute(Node):
    status: re.DisputeStatus = strawberry.field(description="争议状态 Where the dispute stands.")
    subject: str = strawberry.field(description="What is disputed, as the enterprise wrote it.")
    opened_by: str = strawberry.field(description="Login of who opened it.")
    opened_at: dt.datetime = strawberry.field(description="When it was opened.")
    analysis: str | None = strawberry.field(description="The sub-centre's analysis, once escalated or settled.")
    escalated_at: dt.datetime | None = strawberry.field(description="When it went to HQ; null if it did not.")
    settlement: str | None = strawberry.field(description="How it was settled 处理结果.")
    settled_by: str | None = strawberry.field(description="Login of who settled it.")
    settled_at: dt.datetime | None = strawberry.field(description="When it was settled.")
    version: int

    @classmethod
    def from_model(cls, m) -> Dispute:
        return cls(
            id=to_global_id("Dispute", m.id), status=re.DisputeStatus(m.status), subject=m.subject,
            opened_by=m.opened_by.login, opened_at=m.opened_at, analysis=m.analysis, escalated_at=m.escalated_at,
            settlement=m.settlement, settled_by=m.settled_by.login if m.settled_by_id else None,
            settled_at=m.settled_at, version=m.version,
        )  # fmt: skip


@strawberry.type(description="监督抽查 A national or provincial supervision spot check of a certificate's products.")
class SpotCheck:
    level: re.SpotCheckLevel = strawberry.field(description="国家或省级 National or provincial.")
    checked_on: dt.date = strawberry.field(description="Date of the spot check.")
    passed: bool = strawberry.field(description="Whether the product passed.")
    reference: str = strawberry.field(description="The authority's notice number")
    notes: str = strawberry.field(description="Notes.")


@strawberry.type
class TaskOutcomeFields:
    """Fields of Task about its result and decision (kept here to keep task_types small)."""

    complex: bool = strawberry.field(description="复杂或特殊 Flagged complex: a risk assessment precedes the decision")

    @strawberry.field(description="检查结论 The current result version")
    async def result(self, info: strawberry.Info) -> InspectionResult | None:
        rows = await info.context.loaders.task_results.load(self._model.id)
        current = [r for r in rows if r.current]
        return InspectionResult.from_model(current[0]) if current else None

    @strawberry.field(description="结论历史 Every result version, oldest first: changes keep the old ones")
    async def result_history(self, info: strawberry.Info) -> list[InspectionResult]:
        return [InspectionResult.from_model(r) for r in await info.context.loaders.task_results.load(self._model.id)]

    @strawberry.field(description="复核 Reviews (internal)")
    async def reviews(self, info: strawberry.Info) -> list[Review]:
        if not self._internal:
            return []
        return [
            Review(outcome=re.ReviewOutcome(r.outcome), comments=r.comments, reviewer=r.reviewer.login,
                   reviewed_at=r.reviewed_at, result_number=r.result.number)
            for r in await info.context.loaders.task_reviews.load(self._model.id)
        ]  # fmt: skip

    @strawberry.field(description="风险评估 Risk assessments (internal; never for agencies or enterprises)")
    async def risk_assessments(self, info: strawberry.Info) -> list[RiskAssessment]:
        if not self._risk:
            return []
        return [
            RiskAssessment(level=re.RiskLevel(r.level), recommendation=r.recommendation,
                           assessed_by=r.assessed_by.login, assessed_at=r.assessed_at)
            for r in await info.context.loaders.task_risks.load(self._model.id)
        ]  # fmt: skip

    @strawberry.field(description="认证决定 The decision, once taken")
    async def decision(self, info: strawberry.Info) -> Decision | None:
        d = await info.context.loaders.task_decision.load(self._model.id)
        if d is None:
            return None
        return Decision(
            outcome=re.DecisionOutcome(d.outcome), ground=re.SuspensionGround(d.ground) if d.ground else None,
            reason=d.reason, decider=d.decider.login, decided_at=d.decided_at, result_number=d.result.number,
        )  # fmt: skip

    @strawberry.field(description="技术争议 Disputes on this task's result")
    async def disputes(self, info: strawberry.Info) -> list[Dispute]:
        return [Dispute.from_model(d) for d in await info.context.loaders.task_disputes.load(self._model.id)]
