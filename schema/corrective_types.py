"""The enterprise's corrective actions (纠正措施) in GraphQL: the versions on a non-conformity,
and the input the enterprise submits them with."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.file_uploads import Upload

from domain.corrective_actions import MAX_DESCRIPTION, MAX_EVIDENCE_FILES
from schema.idempotency import idempotency_key_field

if TYPE_CHECKING:
    from schema.task_types import Document

LazyDocument = Annotated["Document", strawberry.lazy("schema.task_types")]


@strawberry.type(
    description="纠正措施 One version of the enterprise's corrective action for a non-conformity; an amendment "
    "adds a version and the earlier ones stay."
)
class CorrectiveAction:
    number: int = strawberry.field(description="Version 1, 2, ...: amend with the current one as expectedVersion")
    current: bool = strawberry.field(description="The version in force (the latest)")
    description: str = strawberry.field(description="纠正措施 What the enterprise did about the finding")
    submitted_by: str = strawberry.field(description="Login of the enterprise user who submitted this version")
    submitted_at: dt.datetime = strawberry.field(description="When the enterprise submitted this version.")
    late: bool = strawberry.field(
        description="逾期 Submitted after correctionDue (the service's calendar date); kept, and the deadline "
        "rule still decides the conclusion"
    )
    evidence: list[LazyDocument] = strawberry.field(
        description="整改证据 Evidence files (purpose CORRECTIVE_EVIDENCE), downloadable by the enterprise and "
        "by staff who read the task's internal fields"
    )


@strawberry.input(
    description="提交纠正措施 The enterprise submits (or amends) its corrective action for one of its "
    "non-conformities, until the team leader verifies the correction. Send it as multipart when it has files."
)
class SubmitCorrectiveActionInput:
    nonconformity_id: strawberry.ID = strawberry.field(description="The non-conformity (of the current result)")
    description: str = strawberry.field(
        description=f"纠正措施 What was done: cause, correction, prevention (at most {MAX_DESCRIPTION} characters)"
    )
    evidence: list[Upload] = strawberry.field(
        default_factory=list,
        description=f"整改证据 New evidence files: PDF, PNG, JPEG, DOCX or XLSX, at most {MAX_EVIDENCE_FILES} "
        "files with keepEvidence",
    )
    keep_evidence: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="When amending: evidence documents of the current version to carry into the new one",
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="The current corrective action's number; required to amend, omitted for the first submission",
    )
    idempotency_key: str | None = idempotency_key_field()


def corrective_action(action, documents: list) -> CorrectiveAction:
    from schema.task_types import Document

    return CorrectiveAction(
        number=action.number,
        current=action.current,
        description=action.description,
        submitted_by=action.submitted_by.login,
        submitted_at=action.submitted_at,
        late=action.late,
        evidence=[Document.from_model(d) for d in documents],
    )
