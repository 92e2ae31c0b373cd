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
    severity: re.Severity
    description: str


@strawberry.input(description="提交检查结论 The team leader submits (or resubmits after a return) the result.")
class SubmitResultsInput:
    task_id: strawberry.ID
    expected_version: int
    conclusion: re.Conclusion
    summary: str | None = None
    nonconformities: list[NonconformityInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="整改验证 The team leader verifies one correction; on site, attach the 0402.05 report.")
class VerifyCorrectionInput:
    nonconformity_id: strawberry.ID
    method: re.VerificationMethod
    closed: bool = strawberry.field(description="The correction is effective and the finding closed")
    corrective_action: str = strawberry.field(description="纠正措施 What the enterprise did")
    note: str | None = None
    report: Upload | None = strawberry.field(default=None, description="现场验证报告 (multipart), required on site")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="复核 The reviewer agrees, or returns the result to the team with comments.")
class ReviewResultsInput:
    task_id: strawberry.ID
    expected_version: int
    outcome: re.ReviewOutcome
    comments: str | None = strawberry.field(default=None, description="Required when returning")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="标记复杂 Flag (or unflag) a task complex: a risk assessment then precedes the decision.")
class FlagTaskComplexInput:
    task_id: strawberry.ID
    expected_version: int
    complex: bool
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="风险评估 Assess the risk before the decision.")
class AssessRiskInput:
    task_id: strawberry.ID
    expected_version: int
    level: re.RiskLevel
    recommendation: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="认证决定 The decision maker decides; a suspension names its ground.")
class DecideCertificationInput:
    task_id: strawberry.ID
    expected_version: int
    outcome: re.DecisionOutcome
    ground: re.SuspensionGround | None = None
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="变更结论 Change a decided result (a new version; the old one stays).")
class ChangeResultInput:
    task_id: strawberry.ID
    expected_version: int
    conclusion: re.Conclusion
    summary: str | None = None
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="提出技术争议 Open a technical dispute on a task's result.")
class OpenDisputeInput:
    task_id: strawberry.ID
    subject: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="上报总部 Escalate a dispute to HQ with the sub-centre's analysis.")
class EscalateDisputeInput:
    dispute_id: strawberry.ID
    expected_version: int
    analysis: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="处理争议 Settle a dispute (HQ settles escalated ones).")
class SettleDisputeInput:
    dispute_id: strawberry.ID
    expected_version: int
    settlement: str
    analysis: str | None = None
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="记录监督抽查 Record a national or provincial spot-check result for a certificate.")
class RecordSpotCheckInput:
    certificate_id: strawberry.ID
    level: re.SpotCheckLevel
    checked_on: dt.date
    passed: bool
    reference: str = strawberry.field(description="The authority's notice number")
    notes: str | None = None
    idempotency_key: str | None = idempotency_key_field()
