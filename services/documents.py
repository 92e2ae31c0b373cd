"""Materials handed to the team (§4.2): uploaded with size and type limits, stored by
SHA-256, downloadable only by those allowed to read the task's internal fields (and the
evidence of an enterprise's corrective actions by that enterprise too)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from domain.audit_events import AuditAction
from domain.corrective_actions import EVIDENCE_PURPOSE
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text
from services import audit_log
from services.context import Session
from services.runner import Work, command
from services.tasks.common import INTERNAL, KIND, domain_codes
from store.models import Document, OrgUnit, SurveillanceTask

# Accepted types, recognised by their first bytes rather than by what the client claims.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}


# An Office file is a ZIP with these parts; any other ZIP (HTML, scripts) is no DOCX/XLSX.
OFFICE_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}


def _office_package(data: bytes, content_type: str) -> bool:
    """Reads the ZIP's directory only (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):  # EOF: a truncated directory
        return False
    return "[Content_Types].xml" in names and OFFICE_PARTS[content_type] in names


def sniff(data: bytes, declared: str | None) -> str:
    declared = (declared or "").split(";")[0].strip().lower()
    matches = [t for t, heads in SIGNATURES.items() if any(data.startswith(h) for h in heads)]
    matches = [t for t in matches if t not in OFFICE_PARTS or _office_package(data, t)]
    if not matches:
        raise DomainError(ErrorCode.INVALID, "accepted files: PDF, PNG, JPEG, DOCX, XLSX", ("file",))
    return declared if declared in matches else matches[0]


def checked_file(
    data: bytes,
    declared: str | None,
    max_bytes: int,
    field: tuple[str, ...] = ("file",),
    accepted: tuple[str, ...] | None = None,
    message: str = "",
) -> str:
    """The content type of an upload that is neither empty nor too large, recognised by its
    first bytes (and, with `accepted`, one of those types)."""
    if not data:
        raise DomainError(ErrorCode.REQUIRED, "the file is empty", field)
    if len(data) > max_bytes:
        raise DomainError(ErrorCode.TOO_LONG, "the file is larger than {max_bytes} bytes", field, max_bytes=max_bytes)
    try:
        content_type = sniff(data, declared)
    except DomainError as exc:
        raise exc.at(field) from exc
    if accepted is not None and content_type not in accepted:
        if message:  # the caller's own constant message
            raise DomainError(ErrorCode.INVALID, message, field)  # i18n: message
        raise DomainError(ErrorCode.INVALID, "accepted files: {accepted}", field, accepted=", ".join(accepted))
    return content_type


async def keep_document(
    work: Work,
    *,
    task_id: int,
    purpose: str,
    data: bytes,
    content_type: str,
    filename: str,
    description: str = "",
    purchase_id: int | None = None,
) -> Document:
    """Store a checked upload by its SHA-256 (the same bytes land on the same path) and record
    it as one of the task's documents, uploaded by the caller."""
    return await Document.create(
        task_id=task_id,
        purchase_id=purchase_id,
        purpose=purpose,
        sha256=work.user.config.blobs.put(data),
        size=len(data),
        content_type=content_type,
        filename=filename,
        description=description,
        uploaded_by_id=work.actor.user_id,
    )


@command(gate="Task", action="attach")
async def attach_material(
    work: Work,
    *,
    task_id: int,
    data: bytes,
    filename: str | None,
    declared_type: str | None,
    description: str | None,
) -> Document:
    config = work.user.config
    content_type = checked_file(data, declared_type, config.max_upload_bytes)
    name = clean_text(Path(filename or "upload").name, "filename", max_length=200, single_line=True)
    text = clean_text(description, "description", max_length=2000, required=False) or ""
    task = work.target
    if task.status == "ARCHIVED":
        raise DomainError(ErrorCode.CONFLICT, "the record is archived and read-only", ("taskId",))
    document = await keep_document(
        work, task_id=task.id, purpose="MATERIAL", data=data, content_type=content_type, filename=name, description=text
    )
    digest = document.sha256
    await audit_log.record(
        AuditAction.TASK_MATERIAL,
        "SurveillanceTask",
        task.id,
        after={"document": document.id, "sha256": digest, "filename": name, "size": len(data)},
        reason=text or None,
    )
    return document


async def for_download(session: Session, document_id: int) -> tuple[Document, Path] | None:
    """The document and its file, or None when missing or not allowed (indistinguishable)."""
    document = await Document.filter(id=document_id).first()
    if document is None:
        return None
    task = await SurveillanceTask.get(id=document.task_id)
    codes = await domain_codes(task)
    if not session.perms.decide("read", KIND, codes).allowed:
        return None
    if not (session.perms.decide("read", INTERNAL, codes).allowed or await _own_evidence(session, document, task)):
        return None
    return document, session.config.blobs.path(document.sha256)


async def _own_evidence(session: Session, document: Document, task: SurveillanceTask) -> bool:
    """The enterprise downloads the evidence of its own corrective actions, nothing else."""
    if document.purpose != EVIDENCE_PURPOSE or task.enterprise_unit_id is None:
        return False
    return await OrgUnit.filter(id=task.enterprise_unit_id, code=session.actor.unit_code).exists()


async def materials_of(task_ids: list[int]) -> dict[int, list[Document]]:
    grouped: dict[int, list[Document]] = {}
    for d in (
        await Document.filter(task_id__in=task_ids, purpose="MATERIAL").select_related("uploaded_by").order_by("id")
    ):
        grouped.setdefault(d.task_id, []).append(d)
    return grouped
