"""The enterprise's corrective actions (issue 13): submitCorrectiveAction."""

from __future__ import annotations

import strawberry

from domain.corrective_actions import MAX_EVIDENCE_FILES, check_evidence_count
from resolvers.plumbing import db_id, mutation, task_payload
from resolvers.uploads import read_upload
from schema import task_payloads
from schema.corrective_types import SubmitCorrectiveActionInput
from services.results import corrective


@strawberry.type
class CorrectiveMutation:
    @mutation(
        description="提交纠正措施 The enterprise submits its corrective action for one of its non-conformities, "
        f"with up to {MAX_EVIDENCE_FILES} evidence files (multipart); a second submission amends it (a new "
        "version, expectedVersion = the current one) until the team leader verifies. After correctionDue it is "
        "still kept, flagged late."
    )
    async def submit_corrective_action(
        self, info: strawberry.Info, input: SubmitCorrectiveActionInput
    ) -> task_payloads.TaskPayload:
        session = info.context.require_session
        limit = session.config.max_upload_bytes

        async def command():
            item_id = db_id(input.nonconformity_id, "Nonconformity", "nonconformityId")
            keep = [db_id(d, "Document", "keepEvidence") for d in input.keep_evidence]
            check_evidence_count(len(input.evidence) + len(set(keep)))  # before reading any file
            files = [await read_upload(u, limit, ("evidence", str(i))) for i, u in enumerate(input.evidence)]
            return await corrective.submit_corrective_action(
                session,
                nonconformity_id=item_id,
                description=input.description,
                evidence=files,
                keep_evidence=keep,
                expected_version=input.expected_version,
            )

        return await task_payload(info, command())
