"""Importing certificates into the demo world (both databases): references, the status column as
the initial load's only (a change is a decision's), the expiry sweep's EXPIRED kept, XLSX files."""

from __future__ import annotations

from datetime import date

import pytest

from store.models import AuditEntry, Certificate, CertificateStatusChange
from tests.services.import_support import audit_since, chain_intact, head, problems, run_import, xlsx_bytes

pytestmark = pytest.mark.usefixtures("db")
HEADER = ["number", "holder", "factory_code", "category_code", "implementation_rule", "issued_on", "expires_on",
          "status"]  # fmt: skip


async def _row_of(number: str, **changes) -> list:
    """A file row equal to the stored certificate, with `changes`."""
    c = await Certificate.get(number=number).select_related("factory", "product_category")
    row = {"number": c.number, "holder": c.holder, "factory_code": c.factory.code,
           "category_code": c.product_category.code, "implementation_rule": c.implementation_rule or "",
           "issued_on": c.issued_on.isoformat(), "expires_on": c.expires_on.isoformat(), "status": c.status}  # fmt: skip
    return [{**row, **changes}[h] for h in HEADER]


async def test_a_new_certificate_with_its_issue_and_status_in_the_history():
    rows = [HEADER, ["2024C0700001", "Ningbo Haitian", "E003", "C07", "", "2024-03-05", "2029-03-04", "暂停"]]
    outcome = await run_import("certificates", rows)
    assert (outcome.created, outcome.problems) == (1, [])
    cert = await Certificate.get(number="2024C0700001").select_related("factory", "product_category")
    assert (cert.factory.code, cert.product_category.code, cert.status) == ("E003", "C07", "SUSPENDED")
    assert cert.implementation_rule is None  # the category's rule
    history = await CertificateStatusChange.filter(certificate_id=cert.id).order_by("id")
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        (None, "VALID", "import:cli"),
        ("VALID", "SUSPENDED", "import:cli"),
    ]
    assert history[0].at.date() == date(2024, 3, 5) and "row 2" in history[1].reason


async def test_a_file_does_not_change_an_existing_certificates_status():
    """The status column is for the initial load: 暂停/撤销/注销 are decisions, never a file's."""
    start = await head()
    valid = await Certificate.filter(status="VALID").order_by("id").first()
    number, version = valid.number, valid.version
    moves = await CertificateStatusChange.filter(certificate_id=valid.id).count()
    outcome = await run_import("certificates", [HEADER, await _row_of(number, status="REVOKED")])
    assert problems(outcome) == [(2, "status", "TRANSITION_NOT_ALLOWED")]
    assert "decision" in outcome.problems[0].message and outcome.applied is False
    cert = await Certificate.get(number=number)
    assert (cert.status, cert.version) == ("VALID", version)
    assert await CertificateStatusChange.filter(certificate_id=cert.id).count() == moves
    assert await audit_since(start) == []
    # The same row with its own status (or none) changes the other fields as before.
    renamed = await run_import("certificates", [HEADER, await _row_of(number, holder="Renamed holder")])
    assert (renamed.updated, renamed.problems) == (1, [])
    assert (await Certificate.get(number=number)).holder == "Renamed holder"


async def test_the_expiry_sweep_status_stays_while_the_file_gives_the_same_date():
    expired = await Certificate.get(number="20210010000000")
    assert expired.status == "EXPIRED"
    start = await head()
    same = await run_import("certificates", [HEADER, await _row_of(expired.number, status="VALID")])
    assert (same.unchanged, same.problems, await head()) == (1, [], start)
    renewed_row = await _row_of(expired.number, status="VALID", issued_on="2025-01-01", expires_on="2029-12-31")
    renewed = await run_import("certificates", [HEADER, renewed_row])
    assert problems(renewed) == [(2, "status", "TRANSITION_NOT_ALLOWED")]


async def test_changed_fields_reference_other_rows_and_rerun_changes_nothing():
    number = (await Certificate.filter(status="VALID").order_by("id").first()).number
    row = await _row_of(number, holder="New Holder Ltd.", factory_code="E010", implementation_rule="CNCA-C01-01:2014")
    first = await run_import("certificates", [HEADER, row])
    assert first.updated == 1
    update = await AuditEntry.filter(action="import.update", object_type="Certificate").order_by("-seq").first()
    assert set(update.after) == {"holder", "factory", "implementation_rule"}
    start = await head()
    assert (await run_import("certificates", [HEADER, row])).unchanged == 1
    assert await head() == start


async def test_unknown_references_bad_dates_and_statuses_are_row_problems():
    rows = [HEADER,
            ["N-1", "H", "NOPE", "C01", "", "2024-01-02", "2029-01-01", ""],
            ["N-2", "H", "E001", "C99", "", "2024-01-02", "2029-01-01", ""],
            ["N-3", "H", "E001", "C01", "", "2024-05-01", "2024-04-01", ""],
            ["N-4", "H", "E001", "C01", "", "yesterday", "", "EXPIRED"],
            ["N 5", "", "", "", "", "2024-01-02", "2030-01-02", ""]]  # fmt: skip
    outcome = await run_import("certificates", rows)
    assert problems(outcome) == [
        (2, "factory_code", "NOT_FOUND"),
        (3, "category_code", "NOT_FOUND"),
        (4, "expires_on", "INVALID"),
        (5, "issued_on", "INVALID"),
        (5, "expires_on", "REQUIRED"),
        (5, "status", "INVALID"),
        (6, "number", "INVALID"),
        (6, "holder", "REQUIRED"),
        (6, "factory_code", "REQUIRED"),
        (6, "category_code", "REQUIRED"),
        (6, "expires_on", "INVALID"),
    ]
    assert outcome.rejected == 5 and not outcome.applied


async def test_an_xlsx_file_with_date_cells_and_chinese_headers():
    rows = [["证书编号", "持证人", "工厂编码", "产品类别", "实施规则", "发证日期", "有效期至", "状态"],
            ["2025C0900001", "杭州星河", "E008", "C09", "", date(2025, 6, 1), date(2030, 5, 31), "有效"],
            ["2025C0900002", "杭州星河", "E008", "C09", "CNCA-C09-01:2014", "2025/6/1", "2030.5.31", "注销"]]  # fmt: skip
    outcome = await run_import("certificates", [], name="certs.xlsx", data=xlsx_bytes(rows))
    assert (outcome.created, outcome.problems) == (2, [])
    stored = (
        await Certificate.filter(number__startswith="2025C09")
        .order_by("number")
        .values_list("status", "implementation_rule", "issued_on")
    )
    assert stored == [("VALID", None, date(2025, 6, 1)), ("CANCELLED", "CNCA-C09-01:2014", date(2025, 6, 1))]
    assert await chain_intact()


async def test_a_file_without_status_or_rule_leaves_those_of_existing_certificates():
    suspended = await Certificate.filter(status="SUSPENDED").order_by("id").first()
    await Certificate.filter(id=suspended.id).update(implementation_rule="CNCA-OWN:2020")
    row = await _row_of(suspended.number)
    short = [h for h in HEADER if h not in ("status", "implementation_rule")]
    outcome = await run_import("certificates", [short, [v for h, v in zip(HEADER, row, strict=True) if h in short]])
    assert (outcome.unchanged, outcome.problems) == (1, [])
    blank = await run_import("certificates", [HEADER, [*row[:4], "CNCA-OWN:2020", *row[5:7], ""]])
    assert (blank.unchanged, blank.problems) == (1, [])  # an empty status cell: the same
    assert await Certificate.filter(id=suspended.id).values_list("status", "implementation_rule") == [
        ("SUSPENDED", "CNCA-OWN:2020")
    ]


async def test_a_certificate_an_open_task_surveils_stays_at_its_factory():
    from domain.tasks import TaskKind
    from services.tasks import planning
    from store.models import Factory
    from tests.services.services_support import session_for

    factory = await Factory.get(code="E006")
    certificate = await Certificate.filter(factory_id=factory.id, status="VALID").order_by("id").first()
    await planning.create_task(
        await session_for("east.planner"), factory_id=factory.id, kind=TaskKind.ROUTINE_NOTIFIED,
        certificate_ids=[certificate.id], due_on=date(2026, 12, 20), planned_start=date(2026, 12, 14),
        planned_end=date(2026, 12, 15), trigger=None, trigger_details=None, with_sampling=False, requirements=None,
        unannounced=False,
    )  # fmt: skip
    moved = await run_import("certificates", [HEADER, await _row_of(certificate.number, factory_code="E007")])
    assert problems(moved) == [(2, "factory_code", "CONFLICT")] and not moved.applied
    renamed = await run_import("certificates", [HEADER, await _row_of(certificate.number, holder="Renamed Holder")])
    assert (renamed.updated, renamed.problems) == (1, [])  # anything but the factory may change
    assert (await Certificate.get(id=certificate.id)).factory_id == factory.id


async def test_numbers_and_factory_codes_compare_without_case_or_width():
    valid = await Certificate.filter(status="VALID").order_by("id").first()
    row = await _row_of(valid.number, holder="Another Holder")
    row[0], row[2] = row[0].lower(), "ｅ" + row[2][1:].lower()  # e.g. e001 for E001
    outcome = await run_import("certificates", [HEADER, row])
    assert (outcome.created, outcome.updated, outcome.problems) == (0, 1, [])
    assert (await Certificate.get(id=valid.id)).holder == "Another Holder"
