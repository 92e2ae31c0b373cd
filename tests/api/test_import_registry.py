"""importRegistry through the GraphQL endpoint (both databases): HQ staff by kind, every other
role refused before the file is read, row errors and a report only its uploader downloads,
whole-file refusals as userErrors, dry runs, all-or-nothing, limits, idempotency."""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile

import pytest

from server.settings import Settings
from store.models import AuditEntry, Certificate, Factory, OrgUnit, User
from tests.client import error_codes, factory
from tests.services.import_support import IMPORT, csv_bytes, import_payload, upload_import, xlsx_bytes

FACTORIES = [["code", "name", "address", "country", "province", "class"],
             ["F8001", "Wuxi Motor Works", "1 Taihu Rd, Wuxi", "CN", "Jiangsu", "B"],
             ["F8002", "Bad Class Works", "2 Rd", "CN", "Zhejiang", "=1+1"]]  # fmt: skip
FILES = {
    "UNITS": [["code", "kind", "name", "name_zh", "provinces"],
              ["northeast", "SUBCENTER", "Northeast", "东北分中心", "Liaoning;Jilin"]],
    "FACTORIES": FACTORIES[:2],
    "CERTIFICATES": [["number", "holder", "factory_code", "category_code", "issued_on", "expires_on"],
                     ["2025C0100001", "Holder", "E001", "C01", "2025-01-02", "2030-01-01"]],
    "PEOPLE": [["login", "display_name", "unit_code", "roles"], ["east.new", "East new", "east", "inspector"]],
}  # fmt: skip
ALLOWED = {"UNITS": "hq.admin", "FACTORIES": "hq.planner", "CERTIFICATES": "hq.planner", "PEOPLE": "hq.admin"}
OTHERS = ["east.planner", "east.inspector1", "hq.auditor", "ent.E001", "agency.de.inspector", "lab.east1"]
MAX_ROWS = 50


@pytest.fixture
def settings(world_url, tmp_path) -> Settings:
    return dataclasses.replace(Settings(), database_url=world_url, document_dir=str(tmp_path / "docs"),
                               max_upload_bytes=200_000, max_import_rows=MAX_ROWS)  # fmt: skip


async def _get(api, url: str, login: str | None):
    headers = {"authorization": f"Bearer {await api.token(login)}"} if login else {}
    return await api.http.get(url, headers=headers)


async def test_a_planner_imports_factories_sees_the_bad_rows_and_downloads_the_report(api):
    payload = import_payload(await upload_import(api, "FACTORIES", csv_bytes(FACTORIES), as_user="hq.planner"))
    assert {k: payload[k] for k in ("kind", "dryRun", "applied", "rowCount", "createdCount", "rejectedCount")} == {
        "kind": "FACTORIES", "dryRun": False, "applied": True, "rowCount": 2, "createdCount": 1, "rejectedCount": 1}  # fmt: skip
    assert payload["userErrors"] == []
    assert payload["rowErrors"] == [{"row": 3, "column": "class", "value": "=1+1", "code": "INVALID",
                                     "message": "class: '=1+1' is not one of A, B, C, D"}]  # fmt: skip
    routed = await factory(api, "F8001", as_user="east.planner")
    assert routed["responsibleUnit"]["code"] == "east" and routed["classification"] == "B"
    record = await AuditEntry.filter(action="import.create", object_type="Factory").order_by("-seq").first()
    assert record.actor == "hq.planner" and record.reason.endswith("row 2")

    url = payload["reportUrl"]
    report = await _get(api, url, "hq.planner")
    assert report.status_code == 200 and report.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in report.headers["content-disposition"] and "registry.errors.csv" in report.headers[
        "content-disposition"]  # fmt: skip
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines == [["row", "column", "value", "code", "message"],
                     ["3", "class", "'=1+1", "INVALID", "class: '=1+1' is not one of A, B, C, D"]]  # fmt: skip
    for other in ("hq.admin", "east.planner"):  # someone else's report looks missing
        assert (await _get(api, url, other)).status_code == 404
    assert (await _get(api, url, None)).status_code == 401
    assert (await _get(api, "/imports/reports/..%2F..%2Fetc", "hq.planner")).status_code == 404


@pytest.mark.parametrize("kind", ["UNITS", "FACTORIES", "CERTIFICATES", "PEOPLE"])
async def test_each_kind_is_hq_staff_work_and_refused_to_everyone_else(api, kind):
    data = csv_bytes(FILES[kind])
    wrong_hq = "hq.planner" if ALLOWED[kind] == "hq.admin" else "hq.admin"
    start = await AuditEntry.all().count()
    for login in [wrong_hq, *OTHERS]:
        body = await upload_import(api, kind, data, as_user=login)
        assert error_codes(body) == ["FORBIDDEN"], (login, body)
        # Refused before the file is read: a broken file gets the same answer.
        assert error_codes(await upload_import(api, kind, b"\xff\x00garbage", as_user=login)) == ["FORBIDDEN"]
    assert await AuditEntry.all().count() == start
    payload = import_payload(await upload_import(api, kind, data, as_user=ALLOWED[kind]))
    assert (payload["createdCount"], payload["rowErrors"], payload["reportUrl"]) == (1, [], None)
    assert await AuditEntry.filter(action="import.run").count() == 1


async def test_a_dry_run_and_an_all_or_nothing_import_write_nothing(api):
    counts = (await Factory.all().count(), await AuditEntry.all().count())
    dry = import_payload(await upload_import(api, "FACTORIES", csv_bytes(FACTORIES), as_user="hq.planner", dryRun=True))
    assert (dry["dryRun"], dry["applied"], dry["createdCount"], dry["rejectedCount"]) == (True, False, 1, 1)
    whole = import_payload(
        await upload_import(api, "FACTORIES", csv_bytes(FACTORIES), as_user="hq.planner", allOrNothing=True)
    )
    assert (whole["applied"], whole["createdCount"], whole["problemCount"]) == (False, 0, 1)
    assert whole["reportUrl"]
    assert (await Factory.all().count(), await AuditEntry.all().count()) == counts


async def test_certificates_from_a_workbook(api):
    rows = [["证书编号", "持证人", "工厂编码", "产品类别", "发证日期", "有效期至", "状态"],
            ["2025C0100002", "Holder", "E002", "C01", "2025/3/1", "2030/2/28", "有效"],
            ["2025C0100003", "Holder", "NOPE", "C01", "2025/3/1", "2030/2/28", "有效"]]  # fmt: skip
    body = await api.upload(IMPORT, {"i": {"kind": "CERTIFICATES", "file": None}},
                            {"i.file": ("certs.xlsx", xlsx_bytes(rows), "application/octet-stream")},
                            as_user="hq.planner")  # fmt: skip
    payload = import_payload(body)
    assert (payload["createdCount"], [e["column"] for e in payload["rowErrors"]]) == (1, ["factory_code"])
    assert await Certificate.exists(number="2025C0100002", status="VALID")
    report = await _get(api, payload["reportUrl"], "hq.planner")
    assert report.content.startswith(b"PK") and "certs.errors.xlsx" in report.headers["content-disposition"]


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (8 << 20) + b"</a>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [(b"", "REQUIRED", "empty"), (b"\x00\x01\x02\xff" * 100, "INVALID", "NUL"), (_bomb(), "TOO_LONG", "zip bomb"),
     (b"PK\x03\x04not a zip at all", "INVALID", "zip"), (csv_bytes([["code", "nom"], ["F1", "x"]]), "INVALID", "nom"),
     (csv_bytes([FACTORIES[0]] + [FACTORIES[1]] * (MAX_ROWS + 1)), "TOO_LONG", f"more than {MAX_ROWS} rows"),
     (b"x" * 200_001, "TOO_LONG", "larger than")],
)  # fmt: skip
async def test_a_file_that_cannot_be_imported_is_a_user_error_never_a_500(api, data, code, words):
    start = await AuditEntry.all().count()
    body = await upload_import(api, "FACTORIES", data, as_user="hq.planner")
    payload = import_payload(body)
    assert payload["applied"] is False and payload["createdCount"] == 0
    assert code in [e["code"] for e in payload["userErrors"]]
    assert all(e["field"] == ["input", "file"] for e in payload["userErrors"])
    assert any(words in e["message"] for e in payload["userErrors"]), payload["userErrors"]
    assert await AuditEntry.all().count() == start


async def test_a_retried_import_with_its_key_runs_once(api):
    key = "import-factories-1"
    first = import_payload(await upload_import(api, "FACTORIES", csv_bytes(FACTORIES[:2]), as_user="hq.planner",
                                   idempotencyKey=key))  # fmt: skip
    again = import_payload(await upload_import(api, "FACTORIES", csv_bytes(FACTORIES[:2]), as_user="hq.planner",
                                   idempotencyKey=key))  # fmt: skip
    assert first == again and first["createdCount"] == 1
    assert await AuditEntry.filter(action="import.run").count() == 1


async def test_the_people_of_a_new_unit_sign_in_after_the_imports(api):
    import_payload(await upload_import(api, "UNITS", csv_bytes(FILES["UNITS"]), as_user="hq.admin"))
    people = [["login", "display_name", "unit_code", "roles", "email"],
              ["ne.planner", "Northeast planner", "northeast", "planner", "ne@example.org"]]  # fmt: skip
    import_payload(await upload_import(api, "PEOPLE", csv_bytes(people), as_user="hq.admin"))
    factories = [FACTORIES[0], ["F8003", "Shenyang Cable", "1 Rd, Shenyang", "CN", "辽宁省", "A"]]
    import_payload(await upload_import(api, "FACTORIES", csv_bytes(factories), as_user="hq.planner"))
    seen = await factory(api, "F8003", as_user="ne.planner")
    assert seen["responsibleUnit"]["code"] == "northeast"
    assert await factory(api, "E001", as_user="ne.planner") is None
    assert await OrgUnit.exists(code="northeast") and await User.exists(login="ne.planner")
