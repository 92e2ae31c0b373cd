"""Digitised archive bundles (§4.10): a zip of the task's files with a manifest naming each
file's SHA-256, the result and decision, and the task's audit trail. Checking a bundle needs
nothing but the bundle: every file must match its hash, nothing may be added or missing,
and every audit record must still match its own hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from domain.audit_chain import record_hash

FORMAT = "surveil-archive/1"
MANIFEST = "manifest.json"


def verify(manifest: Mapping, files: Mapping[str, bytes]) -> list[str]:
    """Problems found, in a stable order; an empty list means the bundle is intact."""
    problems = []
    if manifest.get("format") != FORMAT:
        return [f"not a {FORMAT} bundle"]
    listed = {f["path"]: f for f in manifest.get("files", [])}
    for path, entry in sorted(listed.items()):
        data = files.get(path)
        if data is None:
            problems.append(f"{path}: missing")
        elif hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
            problems.append(f"{path}: content does not match its SHA-256")
    problems += [f"{path}: not listed in the manifest" for path in sorted(set(files) - set(listed))]
    for record in manifest.get("auditTrail", []):
        if record_hash(record, record["prev_hash"]) != record["hash"]:
            problems.append(f"audit record {record['seq']}: content does not match its hash")
    return problems
