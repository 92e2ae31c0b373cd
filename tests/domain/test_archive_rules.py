"""Completeness of a task's file for every combination of facts (issue 6), and bundles."""

import hashlib
import itertools

import pytest

from domain.archive import ArchiveFacts, Form, check_archivable, missing_forms, required_forms
from domain.audit_chain import GENESIS, record_hash
from domain.bundle import FORMAT, verify
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


def test_bundle_verification_finds_every_kind_of_damage():
    data = b"%PDF-1.7 report"
    record = {"seq": 7, "at": "2026-11-24T10:00:00.000000+00:00", "actor": "a", "unit": "east", "action": "x",
              "object_type": "SurveillanceTask", "object_id": 1, "before": None, "after": {"k": 1}, "reason": None,
              "request_id": "r", "prev_hash": GENESIS}  # fmt: skip
    record["hash"] = record_hash(record, GENESIS)
    manifest = {"format": FORMAT, "files": [{"path": "files/1-r.pdf", "sha256": hashlib.sha256(data).hexdigest(),
                                             "size": len(data)}], "auditTrail": [record]}  # fmt: skip
    assert verify(manifest, {"files/1-r.pdf": data}) == []
    assert verify(manifest, {"files/1-r.pdf": data + b"!"}) == ["files/1-r.pdf: content does not match its SHA-256"]
    assert verify(manifest, {}) == ["files/1-r.pdf: missing"]
    assert verify(manifest, {"files/1-r.pdf": data, "extra": b""}) == ["extra: not listed in the manifest"]
    tampered = {**manifest, "auditTrail": [{**record, "actor": "someone else"}]}
    assert verify(tampered, {"files/1-r.pdf": data}) == ["audit record 7: content does not match its hash"]
    assert verify({"format": "zip"}, {}) == [f"not a {FORMAT} bundle"]
