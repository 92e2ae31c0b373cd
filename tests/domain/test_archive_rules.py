"""Completeness of a task's file for every combination of facts (issue 6), and bundles."""

import hashlib
import itertools

import pytest

from domain.archive import ArchiveFacts, Form, check_archivable, missing_forms, required_forms
from domain.audit_chain import GENESIS, record_hash
from domain.bundle import FORMAT, safe_name, verify
from domain.errors import DomainError

FIELDS = ("factory_inspection", "nonconformities", "on_site_verification", "samples_taken", "samples_bought",
          "person_days_recorded")  # fmt: skip


@pytest.mark.parametrize("values", list(itertools.product((False, True), repeat=len(FIELDS))))
def test_required_forms_follow_the_facts(values):
    f = ArchiveFacts(**dict(zip(FIELDS, values, strict=True)))
    expected = set()
    if f.factory_inspection:  # 0402.03 and 0402.06 go with every factory inspection
        expected |= {Form.INSPECTION_REPORT, Form.INSPECTION_RECORD}
    if f.nonconformities:
        expected.add(Form.NC_REPORT)
    if f.on_site_verification:
        expected.add(Form.VERIFICATION_REPORT)
    if f.samples_taken or f.samples_bought:
        expected.add(Form.SAMPLING_TEST_REPORT)
    if f.samples_taken:
        expected.add(Form.SAMPLING_NOTICE)
    if f.person_days_recorded:
        expected.add(Form.PERSON_DAY_FORM)
    assert required_forms(f) == expected
    assert missing_forms(f, expected) == [] and set(missing_forms(f, set())) == expected


def test_archivable_only_decided_and_complete():
    check_archivable(True, [])
    for decided, missing in ((False, []), (True, [Form.NC_REPORT])):
        with pytest.raises(DomainError):
            check_archivable(decided, missing)


def _record(seq: int, action: str, after: dict) -> dict:
    record = {"seq": seq, "at": "2026-11-24T10:00:00.000000+00:00", "actor": "a", "unit": "east", "action": action,
              "object_type": "SurveillanceTask", "object_id": 1, "before": None, "after": after, "reason": None,
              "request_id": "r", "prev_hash": GENESIS}  # fmt: skip
    record["hash"] = record_hash(record, GENESIS)
    return record


def test_bundle_verification_finds_every_kind_of_damage():
    data = b"%PDF-1.7 report"
    digest = hashlib.sha256(data).hexdigest()
    trail = [_record(5, "result.submit", {"version": 1, "conclusion": "PASS"}),
             _record(7, "task.archive_file", {"files": {"3": digest}, "decision": "MAINTAIN"})]  # fmt: skip
    manifest = {"format": FORMAT, "files": [{"path": "files/3-r.pdf", "documentId": 3, "sha256": digest,
                                             "size": len(data)}], "auditTrail": trail,
                "results": [{"number": 1, "conclusion": "PASS"}], "decision": {"outcome": "MAINTAIN"}}  # fmt: skip
    files = {"files/3-r.pdf": data}
    assert verify(manifest, files) == []
    assert verify(manifest, {"files/3-r.pdf": data + b"!"}) == ["files/3-r.pdf: content does not match its SHA-256"]
    assert verify(manifest, {}) == ["files/3-r.pdf: missing"]
    assert verify(manifest, {**files, "extra": b""}) == ["extra: not listed in the manifest"]
    tampered = {**manifest, "auditTrail": [trail[0], {**trail[1], "actor": "someone else"}]}
    assert verify(tampered, files) == ["audit record 7: content does not match its hash"]
    assert verify({**manifest, "decision": {"outcome": "REVOKE"}}, files) == [
        "the decision differs from the one archived"
    ]
    assert verify({**manifest, "results": [{"number": 1, "conclusion": "FAIL"}]}, files) == [
        "result version 1: not in the audit trail"
    ]
    swapped = {**manifest, "files": [{**manifest["files"][0], "sha256": hashlib.sha256(b"x").hexdigest(), "size": 1}]}
    assert verify(swapped, {"files/3-r.pdf": b"x"}) == ["document 3: differs from the file archived"]
    assert verify({**manifest, "auditTrail": trail[:1]}, files) == ["the audit trail holds no archive record"]
    assert verify({"format": "zip"}, {}) == [f"not a {FORMAT} bundle"]
    assert verify(["x"], {}) == [f"not a {FORMAT} bundle"]
    assert verify({"format": FORMAT, "files": [{"path": "a"}], "auditTrail": []}, {}) == [
        "a file entry lacks its path, documentId, sha256 or size"
    ]


def test_safe_names_for_zip_entries():
    assert safe_name("../../../../home/x/.bashrc") == "bashrc"
    assert safe_name("C:\\temp\\report.pdf") == "report.pdf"
    assert safe_name("..") == "file" and safe_name("报告.pdf") == "报告.pdf"
