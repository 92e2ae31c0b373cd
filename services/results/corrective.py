"""The enterprise's corrective actions (§4.4, corrections): for each non-conformity of its
task's current result, the enterprise submits what it did and its evidence; it amends (a new
version, the earlier ones stay) until the team leader verifies the correction. After the
deadline a submission is still kept, flagged late; the deadline rule decides the conclusion."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from domain.audit_events import AuditAction
from domain.bundle import safe_name
from domain.corrective_actions import (
    EVIDENCE_PURPOSE,
    MAX_DESCRIPTION,
    check_evidence_count,
    check_open,
    is_late,
    next_number,
)
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus
from domain.validation import clean_text
from services import audit_log
from services.clock import local_date
from services.documents import checked_file, keep_document
from services.notices import work_notices
from services.results.facts import current_result, team_ids
from services.results.submit import VERIFIABLE
from services.runner import Work, command
from store.models import CorrectiveAction, CorrectiveActionEvidence, Document, NonConformity, SurveillanceTask

Upload = tuple[bytes, str | None, str | None]  # bytes, file name, declared type


@command(gate="NonConformity", action="correct", checks_version=False)  # the version is the action's
async def submit_corrective_action(
    work: Work,
    *,
    nonconformity_id: int,
    description: str,
    evidence: list[Upload],
    keep_evidence: list[int],
    expected_version: int | None,
) -> SurveillanceTask:
    """A new version of the enterprise's corrective action for one finding: the first, or an
    amendment naming the current version (`expected_version`). Its evidence is the files sent
    now plus those of the current version named in `keep_evidence`."""
    text = clean_text(description, "description", max_length=MAX_DESCRIPTION)
    check_evidence_count(len(evidence) + len(set(keep_evidence)))
    limit = work.user.config.max_upload_bytes
    files = [
        (data, name, checked_file(data, declared, limit, ("evidence", str(i))))
        for i, (data, name, declared) in enumerate(evidence)
    ]
    item = work.target
    task = await SurveillanceTask.get(id=item.result.task_id)
    if TaskStatus(task.status) not in VERIFIABLE:
        raise DomainError(
            ErrorCode.CONFLICT, "corrective actions are taken while the result awaits review", ("taskId",)
        )
    if item.result_id != (await current_result(task.id)).id:
        raise DomainError(ErrorCode.CONFLICT, "that finding belongs to an older result", ("nonconformityId",))
    # Locks the finding's row (PostgreSQL): a verification racing this waits, or has committed.
    locked = await NonConformity.filter(id=item.id).select_for_update().first()
    check_open(locked.verified_at is not None)
    previous = await CorrectiveAction.filter(nonconformity_id=item.id, current=True).first()
    number = next_number(previous.number if previous else None, expected_version)
    kept = await _kept(previous, keep_evidence)
    if previous is not None and not files and await _same_as(previous, text, kept):
        work.nothing_changed()  # the current version sent again: no new version, no new lateness
        return task
    if previous is not None and not await CorrectiveAction.filter(id=previous.id, current=True).update(current=False):
        raise _changed_meanwhile()
    now = datetime.now(UTC)
    late = is_late(local_date(now), item.correction_due)
    try:
        action = await CorrectiveAction.create(
            nonconformity_id=item.id,
            number=number,
            description=text,
            submitted_by_id=work.actor.user_id,
            submitted_at=now,
            late=late,
            current=True,
        )
    except IntegrityError as exc:  # a concurrent first submission took number 1
        raise _changed_meanwhile() from exc
    documents = list(kept)
    for i, (data, name, content_type) in enumerate(files):
        documents.append(
            await keep_document(
                work,
                task_id=task.id,
                purpose=EVIDENCE_PURPOSE,
                data=data,
                content_type=content_type,
                filename=safe_name(name or f"evidence-{i + 1}"),
                description=f"整改证据 {item.clause}",
            )
        )
    await CorrectiveActionEvidence.bulk_create(
        [CorrectiveActionEvidence(action_id=action.id, document_id=d.id) for d in documents]
    )
    await audit_log.record(
        AuditAction.RESULT_CORRECTIVE_ACTION,
        "SurveillanceTask",
        task.id,
        after={
            "nonconformity": item.id,
            "clause": item.clause,
            "version": number,
            "late": late,
            "evidence": [d.sha256 for d in documents],
            "description": text,
        },
    )
    await work_notices.correction_submitted(task, item.clause, number, await team_ids(task))
    return task


async def _kept(previous: CorrectiveAction | None, wanted: list[int]) -> list[Document]:
    """The current version's evidence documents named to be kept (any other id is refused)."""
    if not wanted:
        return []
    ids = set(wanted)
    found = (
        await Document.filter(id__in=ids, corrective_actions__action_id=previous.id).order_by("id")
        if previous is not None
        else []
    )
    if len(found) != len(ids):
        raise DomainError(ErrorCode.INVALID, "keep only evidence of the current corrective action", ("keepEvidence",))
    return list(found)


async def _same_as(previous: CorrectiveAction, text: str, kept: list[Document]) -> bool:
    evidence = await CorrectiveActionEvidence.filter(action_id=previous.id).values_list("document_id", flat=True)
    return previous.description == text and set(evidence) == {d.id for d in kept}


def _changed_meanwhile() -> DomainError:
    return DomainError(
        ErrorCode.STALE_VERSION, "the corrective action changed meanwhile; reload and retry", ("expectedVersion",)
    )


async def corrective_actions_of(nonconformity_ids: list[int]) -> dict[int, list[tuple[CorrectiveAction, list]]]:
    """Every version (oldest first) per non-conformity, each with its evidence documents: two
    queries whatever the number of findings. Callers pass findings of tasks the viewer reads."""
    actions = (
        await CorrectiveAction.filter(nonconformity_id__in=nonconformity_ids)
        .select_related("submitted_by")
        .order_by("number")
    )
    evidence: dict[int, list[Document]] = defaultdict(list)
    if actions:
        links = (
            await CorrectiveActionEvidence.filter(action_id__in=[a.id for a in actions])
            .select_related("document__uploaded_by")
            .order_by("document_id")
        )
        for link in links:
            evidence[link.action_id].append(link.document)
    grouped: dict[int, list[tuple[CorrectiveAction, list]]] = defaultdict(list)
    for a in actions:
        grouped[a.nonconformity_id].append((a, evidence[a.id]))
    return grouped
