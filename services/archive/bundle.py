"""Export an archived task as a zip bundle (authorized download and CLI), and check one."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

from domain.bundle import FORMAT, MANIFEST, safe_name, verify
from domain.errors import DomainError, ErrorCode
from domain.tasks import TaskStatus
from services.context import Session
from services.tasks.common import load_for
from store.audit import as_record
from store.blobs import BlobStore
from store.models import (
    AuditEntry,
    Certificate,
    Decision,
    Document,
    Factory,
    InspectionResult,
    SurveillanceTask,
    TaskCertificate,
)


async def export_bundle(session: Session, task_id: int) -> tuple[str, bytes]:
    """(file name, zip bytes) of an archived task the caller may export (read-only: no audit)."""
    task, _ = await load_for(session, task_id, "export_archive")
    return await build_bundle(task, session.config.blobs, session.actor.login)


async def build_bundle(task: SurveillanceTask, store: BlobStore, exported_by: str) -> tuple[str, bytes]:
    """The bundle of an archived task, unchecked (the CLI runs it on the server)."""
    if TaskStatus(task.status) != TaskStatus.ARCHIVED:
        raise DomainError(ErrorCode.CONFLICT, "only archived tasks are exported as bundles", ("taskId",))
    factory = await Factory.get(id=task.factory_id)
    certificates = await Certificate.filter(
        id__in=await TaskCertificate.filter(task_id=task.id).values_list("certificate_id", flat=True)
    ).values_list("number", flat=True)
    files, entries = {}, []
    for doc in await Document.filter(task_id=task.id).order_by("id"):
        path = f"files/{doc.id:06d}-{safe_name(doc.filename)}"
        files[path] = store.path(doc.sha256).read_bytes()
        entries.append(
            {
                "path": path,
                "documentId": doc.id,
                "form": doc.purpose,
                "sha256": doc.sha256,
                "size": doc.size,
                "contentType": doc.content_type,
                "uploadedAt": doc.uploaded_at.isoformat(),
            }
        )
    results = await InspectionResult.filter(task_id=task.id).order_by("number")
    decision = await Decision.filter(task_id=task.id).first()
    trail = await AuditEntry.filter(object_type="SurveillanceTask", object_id=task.id).order_by("seq")
    manifest = {
        "format": FORMAT,
        "exportedAt": datetime.now(UTC).isoformat(),
        "exportedBy": exported_by,
        "task": {
            "id": task.id,
            "number": task.number,
            "kind": task.kind,
            "year": task.year,
            "factory": factory.code,
            "certificates": sorted(certificates),
            "archivedAt": task.archived_at.isoformat(),
        },
        "results": [
            {
                "number": r.number,
                "conclusion": r.conclusion,
                "summary": r.summary,
                "changeReason": r.change_reason,
                "afterArchive": r.after_archive,
            }
            for r in results
        ],
        "decision": {
            "outcome": decision.outcome,
            "ground": decision.ground,
            "reason": decision.reason,
            "decidedAt": decision.decided_at.isoformat(),
        }
        if decision
        else None,
        "files": entries,
        "auditTrail": [as_record(e) for e in trail],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
        for path, data in files.items():
            archive.writestr(path, data)
    return f"task-{safe_name(task.number)}-{factory.code}.zip", buffer.getvalue()


def verify_bundle(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            contents = {name: archive.read(name) for name in archive.namelist()}
    except zipfile.BadZipFile:
        return ["not a zip file"]
    if MANIFEST not in contents:
        return ["no manifest.json"]
    try:
        manifest = json.loads(contents.pop(MANIFEST))
    except ValueError:  # also bad UTF-8
        return ["manifest.json is not JSON"]
    return verify(manifest, contents)
