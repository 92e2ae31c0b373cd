"""Result, review, risk, decision, change, dispute and spot-check mutations (issue 5)."""

from __future__ import annotations

import strawberry

from domain.decisions import DecisionOutcome, ReviewOutcome, RiskLevel, SpotCheckLevel, SuspensionGround
from domain.results import Conclusion, Severity, VerificationMethod
from resolvers.plumbing import db_id, mutation, run, task_db_id, task_payload
from resolvers.uploads import read_upload
from schema import task_payloads, types
from schema.result_inputs import (
    AssessRiskInput,
    ChangeResultInput,
    DecideCertificationInput,
    EscalateDisputeInput,
    FlagTaskComplexInput,
    OpenDisputeInput,
    RecordSpotCheckInput,
    ReviewResultsInput,
    SettleDisputeInput,
    SubmitResultsInput,
    VerifyCorrectionInput,
)
from schema.result_types import Dispute
from schema.types import UserError
from services.results import decide, disputes, review, spot_checks, submit


@strawberry.type
class DisputePayload:
    dispute: Dispute | None = strawberry.field(description="The dispute as changed; null when nothing changed.")
    user_errors: list[UserError]


@strawberry.type
class CertificatePayload:
    certificate: types.Certificate | None = strawberry.field(
        description="The certificate as changed; null when nothing changed."
    )
    user_errors: list[UserError]


async def _dispute_payload(command) -> DisputePayload:
    found, errors = await run(command)
    if found is not None:
        await found.fetch_related("opened_by", "settled_by")
    return DisputePayload(dispute=Dispute.from_model(found) if found else None, user_errors=errors)


def _dispute_id(input) -> int:
    return db_id(input.dispute_id, "Dispute", "disputeId")


@strawberry.type
class ResultMutation:
    @mutation(description="提交检查结论 Submit the result (team leader; agency inspector if delegated).")
    async def submit_results(self, info: strawberry.Info, input: SubmitResultsInput) -> task_payloads.TaskPayload:
        findings = [
            submit.FindingInput(n.clause, Severity(n.severity.value), n.description) for n in input.nonconformities
        ]

        async def command():
            return await submit.submit_results(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                conclusion=Conclusion(input.conclusion.value),
                summary=input.summary,
                findings=findings,
            )

        return await task_payload(info, command())

    @mutation(description="整改验证 Verify a correction in writing or on site (team leader).")
    async def verify_correction(self, info: strawberry.Info, input: VerifyCorrectionInput) -> task_payloads.TaskPayload:
        session = info.context.require_session
        config = session.config

        async def command():
            report = None
            if input.report is not None:
                report = await read_upload(input.report, config.max_upload_bytes, ("report",))
            return await submit.verify_correction(
                session,
                nonconformity_id=db_id(input.nonconformity_id, "Nonconformity", "nonconformityId"),
                method=VerificationMethod(input.method.value),
                closed=input.closed,
                corrective_action=input.corrective_action,
                note=input.note,
                report=report,
            )

        return await task_payload(info, command())

    @mutation(description="复核 Review a submitted result (a reviewer of the responsible unit).")
    async def review_results(self, info: strawberry.Info, input: ReviewResultsInput) -> task_payloads.TaskPayload:
        async def command():
            return await review.review(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                outcome=ReviewOutcome(input.outcome.value),
                comments=input.comments,
            )

        return await task_payload(info, command())

    @mutation(description="标记复杂 Flag a task complex or special (planner or reviewer).")
    async def flag_task_complex(self, info: strawberry.Info, input: FlagTaskComplexInput) -> task_payloads.TaskPayload:
        async def command():
            return await review.flag_complex(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                complex_=input.complex,
                reason=input.reason,
            )

        return await task_payload(info, command())

    @mutation(description="风险评估 Record a risk assessment (reviewer or decision maker).")
    async def assess_risk(self, info: strawberry.Info, input: AssessRiskInput) -> task_payloads.TaskPayload:
        async def command():
            return await review.assess_risk(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                level=RiskLevel(input.level.value),
                recommendation=input.recommendation,
            )

        return await task_payload(info, command())

    @mutation(description="认证决定 Decide (a decision maker of the responsible unit).")
    async def decide_certification(
        self, info: strawberry.Info, input: DecideCertificationInput
    ) -> task_payloads.TaskPayload:
        async def command():
            return await decide.decide(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                outcome=DecisionOutcome(input.outcome.value),
                ground=SuspensionGround(input.ground.value) if input.ground else None,
                reason=input.reason,
            )

        return await task_payload(info, command())

    @mutation(description="变更结论 Change a decided result (only the unit entitled to decide it).")
    async def change_result(self, info: strawberry.Info, input: ChangeResultInput) -> task_payloads.TaskPayload:
        async def command():
            return await decide.change_result(
                info.context.require_session,
                task_id=task_db_id(input),
                expected_version=input.expected_version,
                conclusion=Conclusion(input.conclusion.value),
                summary=input.summary,
                reason=input.reason,
            )

        return await task_payload(info, command())

    @mutation(description="提出技术争议 Open a dispute (the enterprise or the responsible unit).")
    async def open_dispute(self, info: strawberry.Info, input: OpenDisputeInput) -> DisputePayload:
        async def command():
            return await disputes.open_dispute(
                info.context.require_session, task_id=task_db_id(input), subject=input.subject
            )

        return await _dispute_payload(command())

    @mutation(description="上报总部 Escalate a dispute to HQ (the responsible sub-centre).")
    async def escalate_dispute(self, info: strawberry.Info, input: EscalateDisputeInput) -> DisputePayload:
        async def command():
            return await disputes.escalate(
                info.context.require_session,
                dispute_id=_dispute_id(input),
                expected_version=input.expected_version,
                analysis=input.analysis,
            )

        return await _dispute_payload(command())

    @mutation(description="处理争议 Settle a dispute.")
    async def settle_dispute(self, info: strawberry.Info, input: SettleDisputeInput) -> DisputePayload:
        async def command():
            return await disputes.settle(
                info.context.require_session,
                dispute_id=_dispute_id(input),
                expected_version=input.expected_version,
                analysis=input.analysis,
                settlement=input.settlement,
            )

        return await _dispute_payload(command())

    @mutation(description="记录监督抽查 Record a spot check; the third failure revokes the certificate.")
    async def record_spot_check(self, info: strawberry.Info, input: RecordSpotCheckInput) -> CertificatePayload:
        async def command():
            return await spot_checks.record_spot_check(
                info.context.require_session,
                certificate_id=db_id(input.certificate_id, "Certificate", "certificateId"),
                level=SpotCheckLevel(input.level.value),
                checked_on=input.checked_on,
                passed=input.passed,
                reference=input.reference,
                notes=input.notes,
            )

        found, errors = await run(command())
        return CertificatePayload(
            certificate=types.Certificate.from_model(found) if found else None, user_errors=errors
        )
