"""Inputs of the result, review, risk, decision, change, dispute and spot-check mutations."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.file_uploads import Upload

from schema import result_enums as re
from schema.idempotency import idempotency_key_field


@strawberry.input(description="不符合项 A non-conformity found.")
class NonconformityInput:
    clause: str = strawberry.field(description="条款 The clause not met, e.g. 4.2.1")
    severity: re.Severity = strawberry.field(description="严重程度 Severity.")
    description: str = strawberry.field(description="What was found.")


@strawberry.input(description="提交检查结论 The team leader submits (or resubmits after a return) the result.")
class SubmitResultsInput:
    task_id: strawberry.ID
    expected_version: int
    conclusion: re.Conclusion = strawberry.field(description="检查结论 The conclusion.")
    summary: str | None = strawberry.field(description="The team's summary.", default=None)
    nonconformities: list[NonconformityInput] = strawberry.field(
        description="不符合项 Non-conformities found (empty when none).", default_factory=list
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="整改验证 The team leader verifies one correction; on site, attach the 0402.05 report.")
class VerifyCorrectionInput:
    nonconformity_id: strawberry.ID = strawberry.field(description="Global ID of the non-conformity.")
    method: re.VerificationMethod = strawberry.field(description="验证方式 How it was verified.")
    closed: bool = strawberry.field(description="The correction is effective and the finding closed")
    corrective_action: str = strawberry.field(description="纠正措施 What the enterprise did")
    note: str | None = strawberry.field(description="The verifier's note.", default=None)
    report: Upload | None = strawberry.field(default=None, description="现场验证报告 (multipart), required on site")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="复核 The reviewer agrees, or returns the result to the team with comments.")
class ReviewResultsInput:
    task_id: strawberry.ID
    expected_version: int
    outcome: re.ReviewOutcome = strawberry.field(description="复核结论 Agree, or return to the team.")
    comments: str | None = strawberry.field(default=None, description="Required when returning")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="标记复杂 Flag (or unflag) a task complex: a risk assessment then precedes the decision.")
class FlagTaskComplexInput:
    task_id: strawberry.ID
    expected_version: int
    complex: bool = strawberry.field(description="True flags the task complex 复杂, false clears the flag.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="风险评估 Assess the risk before the decision.")
class AssessRiskInput:
    task_id: strawberry.ID
    expected_version: int
    level: re.RiskLevel = strawberry.field(description="风险等级 The risk level assessed.")
    recommendation: str = strawberry.field(description="The assessor's recommendation to the decision maker.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="认证决定 The decision maker decides; a suspension names its ground.")
class DecideCertificationInput:
    task_id: strawberry.ID
    expected_version: int
    outcome: re.DecisionOutcome = strawberry.field(description="认证决定 The decision.")
    ground: re.SuspensionGround | None = strawberry.field(
        description="暂停原因 The ground of a suspension; required when suspending.", default=None
    )
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="变更结论 Change a decided result (a new version; the old one stays).")
class ChangeResultInput:
    task_id: strawberry.ID
    expected_version: int
    conclusion: re.Conclusion = strawberry.field(description="检查结论 The new conclusion.")
    summary: str | None = strawberry.field(description="The new summary; omitted keeps the old one.", default=None)
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="提出技术争议 Open a technical dispute on a task's result.")
class OpenDisputeInput:
    task_id: strawberry.ID
    subject: str = strawberry.field(description="What is disputed, and why.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="上报总部 Escalate a dispute to HQ with the sub-centre's analysis.")
class EscalateDisputeInput:
    dispute_id: strawberry.ID
    expected_version: int
    analysis: str = strawberry.field(description="The sub-centre's analysis 分中心分析 for HQ.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="处理争议 Settle a dispute (HQ settles escalated ones).")
class SettleDisputeInput:
    dispute_id: strawberry.ID
    expected_version: int
    settlement: str = strawberry.field(description="处理结果 How the dispute is settled.")
    analysis: str | None = strawberry.field(
        description="The analysis, when not already escalated with one.", default=None
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="记录监督抽查 Record a national or provincial spot-check result for a certificate.")
class RecordSpotCheckInput:
    certificate_id: strawberry.ID
    level: re.SpotCheckLevel = strawberry.field(description="国家或省级 National or provincial.")
    checked_on: dt.date = strawberry.field(description="Date of the spot check.")
    passed: bool = strawberry.field(description="Whether the product passed.")
    reference: str = strawberry.field(description="The authority's notice number")
    notes: str | None = strawberry.field(description="Notes; optional.", default=None)
    idempotency_key: str | None = idempotency_key_field()
