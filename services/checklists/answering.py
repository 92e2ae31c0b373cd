"""The team answers the checklist item by item, with evidence files carrying the device's
capture time and position; offline-safe (the mutation's idempotency key replays the first
answer), and a changed answer needs the item's version."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from domain.audit_events import AuditAction
from domain.bundle import safe_name
from domain.checklists import (
    Answer,
    ChecklistAnswer,
    check_answer,
    check_answerable,
    check_captured_at,
    check_change,
    check_evidence,
    check_evidence_total,
)
from domain.errors import msg
from domain.results import Severity
from domain.tasks import TaskStatus
from domain.validation import clean_text
from services import audit_log, versioning
from services.documents import checked_file, keep_document
from services.runner import Work, command
from store.models import ChecklistEvidence, ChecklistItem, SurveillanceTask

EVIDENCE_TYPES = ("image/png", "image/jpeg", "application/pdf")
EVIDENCE_PURPOSE = "CHECKLIST_EVIDENCE"


@dataclass(frozen=True)
class EvidenceInput:
    data: bytes
    filename: str | None
    content_type: str | None
    captured_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def _answer_of(item: ChecklistItem) -> dict:
    return Answer(
        ChecklistAnswer(item.answer),
        Severity(item.severity) if item.severity else None,
        item.description,
        item.reason,
        item.note,
    ).content()


# The gate opens the item for its task's current team (answer_checklist: inspectors, agency inspectors).
@command(gate="ChecklistItem", action="answer_checklist", checks_version=False)
async def answer_checklist_item(
    work: Work,
    *,
    item_id: int,
    answer: ChecklistAnswer,
    severity: Severity | None,
    description: str | None,
    reason: str | None,
    note: str | None,
    captured_at: datetime | None,
    expected_version: int | None,
    evidence: list[EvidenceInput],
) -> ChecklistItem:
    given = Answer(
        answer,
        severity,
        clean_text(description, "description", max_length=5000, required=False),
        clean_text(reason, "reason", max_length=2000, required=False),
        clean_text(note, "note", max_length=5000, required=False),
    )
    check_answer(given)
    now = datetime.now(UTC)
    check_captured_at(captured_at, now, ("capturedAt",))
    check_evidence(len(evidence), [(e.latitude, e.longitude) for e in evidence])
    for i, e in enumerate(evidence):
        check_captured_at(e.captured_at, now, ("evidence", str(i), "capturedAt"))
    item = work.target
    task = await SurveillanceTask.get(id=item.task_id)
    check_answerable(TaskStatus(task.status))
    before = _answer_of(item) if item.answer else None
    changes = check_change(item.answer is not None, before == given.content(), expected_version, item.version)
    fresh = await _new_evidence(item, evidence)
    if not changes and not fresh:
        work.nothing_changed()  # the same answer (and files) again, a retry without a key: nothing to record
        return item
    kept = [await _keep(work, item, e, i, now) for i, e in fresh]
    updates = {}
    if changes:
        updates = {
            "answer": given.answer,
            "severity": given.severity,
            "description": given.description,
            "reason": given.reason,
            "note": given.note,
            "answered_by_id": work.actor.user_id,
            "answered_at": now,
            "captured_at": captured_at,
        }
    await versioning.save_versioned(item, "checklist item", **updates)  # evidence alone also bumps it
    await audit_log.record(
        AuditAction.CHECKLIST_ANSWER,
        "SurveillanceTask",
        task.id,
        before={"item": item.code, **before} if before else None,
        after={"item": item.code, "version": item.version, **given.content(), "evidence": kept},
    )
    return item


async def _new_evidence(item: ChecklistItem, evidence: list[EvidenceInput]) -> list[tuple[int, EvidenceInput]]:
    """The files (with their input index) not attached to the item yet: the same bytes are one
    evidence; the item's total stays within its bound."""
    if not evidence:
        return []
    attached = await ChecklistEvidence.filter(item_id=item.id).values_list("document__sha256", flat=True)
    seen = set(attached)
    fresh: list[tuple[int, EvidenceInput]] = []
    for i, e in enumerate(evidence):
        digest = hashlib.sha256(e.data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            fresh.append((i, e))
    check_evidence_total(len(attached), len(fresh))
    return fresh


async def _keep(work: Work, item: ChecklistItem, e: EvidenceInput, i: int, now: datetime) -> str:
    field = ("evidence", str(i), "file")
    content_type = checked_file(
        e.data,
        e.content_type,
        work.user.config.max_upload_bytes,
        field,
        accepted=EVIDENCE_TYPES,
        message=msg("evidence files are PNG, JPEG or PDF"),
    )
    name = safe_name(Path(e.filename or "evidence").name) or "evidence"
    document = await keep_document(
        work,
        task_id=item.task_id,
        purpose=EVIDENCE_PURPOSE,
        data=e.data,
        content_type=content_type,
        filename=name[:200],
        description=f"检查证据 evidence for checklist item {item.code}",
    )
    await ChecklistEvidence.create(
        item_id=item.id,
        document_id=document.id,
        captured_at=e.captured_at,
        latitude=e.latitude,
        longitude=e.longitude,
        added_by_id=work.actor.user_id,
        added_at=now,
    )
    return document.sha256
