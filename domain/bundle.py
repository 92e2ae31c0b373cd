"""Digitised archive bundles (§4.10): a zip of the task's files with a manifest naming each
file's SHA-256, the results and decision, and the task's audit trail.

Checking a bundle needs nothing but the bundle:
- every file must match its hash; nothing may be added or missing;
- every audit record must still match its own hash;
- the manifest must agree with the audit trail it carries: the files and the decision with
  the archive record (written when the task was archived), each result version with the
  record that submitted or changed it, the task's number with every record naming it (its
  creation, its archiving).

Forging all of that consistently is still possible offline (the hashes are not keyed);
`surveil archive verify --against-db` also compares the audit records with the live chain."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from domain.audit_chain import HASHED_FIELDS, record_hash
from domain.audit_events import AuditAction

FORMAT = "surveil-archive/1"
MANIFEST = "manifest.json"
ARCHIVE_ACTION = AuditAction.TASK_ARCHIVE_FILE
RESULT_ACTIONS = ("result.submit", "result.change")
# The records that name the task's own number (a form's record names the form's number).
NUMBER_ACTIONS = (AuditAction.TASK_CREATE, AuditAction.TASK_PLAN, AuditAction.TASK_SPLIT, ARCHIVE_ACTION)


def safe_name(name: str) -> str:
    """A file name fit for a zip entry: no directories, no parent references."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base)[:150] or "file"


def _malformed(manifest) -> str | None:
    if not isinstance(manifest, Mapping):
        return "the manifest is not an object"
    files, trail = manifest.get("files"), manifest.get("auditTrail")
    if not isinstance(files, list) or not isinstance(trail, list) or not isinstance(manifest.get("results", []), list):
        return "the manifest lacks its lists of files, results and audit records"
    for f in files:
        if not (isinstance(f, Mapping) and isinstance(f.get("path"), str) and isinstance(f.get("sha256"), str)
                and isinstance(f.get("size"), int) and isinstance(f.get("documentId"), int)):  # fmt: skip
            return "a file entry lacks its path, documentId, sha256 or size"
    for r in trail:
        if not (isinstance(r, Mapping) and all(k in r for k in (*HASHED_FIELDS, "prev_hash", "hash"))):
            return "an audit record lacks fields"
    return None


def verify(manifest, files: Mapping[str, bytes]) -> list[str]:
    """Problems found, in a stable order; an empty list means the bundle is intact."""
    if not isinstance(manifest, Mapping) or manifest.get("format") != FORMAT:
        return [f"not a {FORMAT} bundle"]
    if problem := _malformed(manifest):
        return [problem]
    problems = []
    listed = {f["path"]: f for f in manifest["files"]}
    for path, entry in sorted(listed.items()):
        data = files.get(path)
        if data is None:
            problems.append(f"{path}: missing")
        elif hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
            problems.append(f"{path}: content does not match its SHA-256")
    problems += [f"{path}: not listed in the manifest" for path in sorted(set(files) - set(listed))]
    trail = manifest["auditTrail"]
    problems += [
        f"audit record {r['seq']}: content does not match its hash"
        for r in trail
        if record_hash(r, r["prev_hash"]) != r["hash"]
    ]
    return problems + _binding(manifest, trail)


def _binding(manifest: Mapping, trail: list) -> list[str]:
    archived = [r for r in trail if r["action"] == ARCHIVE_ACTION and isinstance(r.get("after"), Mapping)]
    if not archived:
        return ["the audit trail holds no archive record"]
    record = archived[-1]["after"]
    problems = []
    on_file = {str(k): v for k, v in (record.get("files") or {}).items()}
    in_bundle = {str(f["documentId"]): f["sha256"] for f in manifest["files"]}
    for doc_id in sorted(set(on_file) | set(in_bundle)):
        if on_file.get(doc_id) != in_bundle.get(doc_id):
            problems.append(f"document {doc_id}: differs from the file archived")
    task = manifest.get("task")
    number = task.get("number") if isinstance(task, Mapping) else None
    named = {
        r["after"]["number"]
        for r in trail
        if r["action"] in NUMBER_ACTIONS and isinstance(r.get("after"), Mapping) and "number" in r["after"]
    }
    if named - {number}:
        problems.append("the task's number differs from the one its audit trail records")
    decision = manifest.get("decision") or {}
    if decision.get("outcome") != record.get("decision"):
        problems.append("the decision differs from the one archived")
    submitted = {
        (r["after"].get("version"), r["after"].get("conclusion"))
        for r in trail
        if r["action"] in RESULT_ACTIONS and isinstance(r.get("after"), Mapping)
    }
    for result in manifest.get("results", []):
        if not isinstance(result, Mapping) or (result.get("number"), result.get("conclusion")) not in submitted:
            problems.append(f"result version {result.get('number') if isinstance(result, Mapping) else '?'}: "
                            "not in the audit trail")  # fmt: skip
    return problems
