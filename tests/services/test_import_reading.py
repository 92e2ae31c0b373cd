"""Reading import files (no database): encodings, XLSX and its limits, headers by name and alias,
cell parsing, and the error report. Every unreadable file is a DomainError on `file`."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from datetime import date

import pytest

from domain.enums import CertificateStatus, FactoryClass, Role, UnitKind
from domain.errors import DomainError, DomainErrors, ErrorCode
from services.imports import parsing
from services.imports.columns import ImportKind
from services.imports.common import prepare
from services.imports.reading import Limits, read_table
from services.imports.report import Problem, describe, report_csv, report_xlsx
from tests.services.import_support import csv_bytes, messages, xlsx_bytes

FACTORY_ROWS = [
    ["code", "name", "address", "country", "province", "class"],
    ["F1", "上海电缆厂", "浦东路 1 号", "CN", "Shanghai", "A"],
    ["F2", "Köln Kabel GmbH", "Industriestraße 4", "DE", "", "b"],
]


def _factories(data: bytes, name: str = "f.csv"):
    return prepare(ImportKind.FACTORIES, data, name)


@pytest.mark.parametrize(
    ("encoding", "bom", "named"),
    [("utf-8", b"", "UTF-8"), ("utf-8", codecs.BOM_UTF8, "UTF-8 (BOM)"), ("gb18030", b"", "GB18030"),
     ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16")],
)  # fmt: skip
def test_csv_in_each_encoding_reads_the_same_rows(encoding, bom, named):
    source = _factories(bom + csv_bytes(FACTORY_ROWS, encoding))
    assert source.encoding == named
    assert [(r.number, r.cells["name"], r.cells["address"]) for r in source.rows] == [
        (2, "上海电缆厂", "浦东路 1 号"),
        (3, "Köln Kabel GmbH", "Industriestraße 4"),
    ]


def test_semicolon_and_tab_separated_files_are_recognised():
    for delimiter in (";", "\t"):
        source = _factories(csv_bytes(FACTORY_ROWS, delimiter=delimiter))
        assert source.rows[1].cells["country"] == "DE"


def test_blank_rows_are_skipped_and_numbered_as_in_a_spreadsheet():
    rows = [FACTORY_ROWS[0], FACTORY_ROWS[1], ["", "", "", "", "", ""], FACTORY_ROWS[2]]
    assert [r.number for r in _factories(csv_bytes(rows)).rows] == [2, 4]


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused():
    # 0xFF never starts a GB18030 character and is never valid UTF-8.
    with pytest.raises(DomainError) as refused:
        _factories(csv_bytes(FACTORY_ROWS) + b"\xff\xff,x\r\n")
    assert refused.value.field == ("file",) and "neither UTF-8 nor GB18030" in refused.value.message


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \r\n\r\n", "empty"), (b"\xef\xbb\xbf", "empty"),
     (b"code,name,address,country,province,class\r\n", "no data rows"),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
     (b"code,name\x00,x\r\n1,2,3", "NUL"),
     (b'code,name\r\n"unterminated,1\r\n', "not readable as CSV"),
     (b"PK\x03\x04 this is no zip", "damaged zip")],
)  # fmt: skip
def test_unreadable_files_are_refused_on_the_file_field(data, message):
    with pytest.raises(DomainError) as refused:
        _factories(data)
    assert refused.value.field == ("file",)
    assert message in refused.value.message


def test_a_huge_cell_is_refused():
    rows = [FACTORY_ROWS[0], ["F1", "x" * 20_000, "a", "CN", "Shanghai", "A"]]
    with pytest.raises(DomainError, match="over 10000 characters"):
        _factories(csv_bytes(rows))


def test_headers_are_found_by_name_case_alias_and_bilingual_form():
    headers = ["工厂编码", "NAME", "Address (地址)", "国家", "省份 Province", "Class*"]
    source = _factories(csv_bytes([headers, FACTORY_ROWS[1]]))
    assert source.rows[0].cells == {"code": "F1", "name": "上海电缆厂", "address": "浦东路 1 号", "country": "CN",
                                    "province": "Shanghai", "class": "A"}  # fmt: skip


def test_every_header_problem_is_reported_at_once():
    headers = ["code", "名称", "name", "addres", "country", "class"]
    with pytest.raises(DomainErrors) as refused:
        _factories(csv_bytes([headers, ["F1", "a", "b", "c", "CN", "A"]]))
    assert messages(refused.value) == [
        "column name is given twice ('名称' and 'name')",
        "unknown column 'addres' for factories",
        "missing column(s): address, province",
    ]
    assert {e.field for e in refused.value.errors} == {("file",)}


def test_optional_columns_may_be_absent_and_unnamed_columns_are_ignored():
    headers = ["number", "holder", "factory_code", "category_code", "issued_on", "expires_on", ""]
    source = prepare(ImportKind.CERTIFICATES, csv_bytes([headers, ["N1", "H", "F1", "C01", "2024-01-02", "2029-01-01",
                                                                  "a note"]]), "c.csv")  # fmt: skip
    assert source.columns == {"number", "holder", "factory_code", "category_code", "issued_on", "expires_on"}
    assert "status" not in source.rows[0].cells


def test_rows_beyond_the_limit_are_refused():
    rows = [FACTORY_ROWS[0]] + [FACTORY_ROWS[1]] * 11
    assert len(read_table(csv_bytes(rows), "f.csv", Limits(max_rows=11)).rows) == 11
    with pytest.raises(DomainError, match="more than 10 rows"):
        read_table(csv_bytes(rows), "f.csv", Limits(max_rows=10))


# --- XLSX ----------------------------------------------------------------------------------


def test_xlsx_first_sheet_with_date_cells_numbers_and_blank_rows_above():
    rows = [["number", "holder", "factory_code", "category_code", "issued_on", "expires_on", "status"],
            [20210010000000, "H", "F1", "C01", date(2024, 1, 31), "2029/1/30", None]]  # fmt: skip
    source = prepare(ImportKind.CERTIFICATES, xlsx_bytes(rows, blank_rows_above=2, sheets=2), "c.xlsx")
    assert source.as_xlsx and source.encoding == "xlsx"
    (row,) = source.rows
    assert row.number == 4
    assert row.cells["number"] == "20210010000000"  # not 2.021e13
    assert row.cells["issued_on"] == date(2024, 1, 31)
    assert row.cells["status"] == ""


def test_a_zip_bomb_is_refused_before_any_xml_is_parsed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (5 << 20))  # 5 MiB in a few KiB
    with pytest.raises(DomainError) as refused:
        _factories(buffer.getvalue(), "bomb.xlsx")
    assert refused.value.code == ErrorCode.TOO_LONG and "zip bomb" in refused.value.message


def test_a_workbook_unpacking_beyond_the_limit_is_refused():
    rows = [FACTORY_ROWS[0]] + [[f"F{n}", "n" * 50, "a" * 50, "CN", "Shanghai", "A"] for n in range(2000)]
    data = xlsx_bytes(rows)
    assert len(read_table(data, "f.xlsx", Limits(max_unpacked_bytes=10 << 20)).rows) == 2000
    with pytest.raises(DomainError, match="too large to import"):
        read_table(data, "f.xlsx", Limits(max_unpacked_bytes=100_000))


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(DomainError) as refused:
        _factories(buffer.getvalue(), "f.xlsx")
    assert refused.value.field == ("file",) and "XLSX" in refused.value.message


# --- cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["2024-01-31", "2024/1/31", "2024.01.31", "2024年1月31日", "20240131", "2024-01-31 00:00:00", "45322",
             date(2024, 1, 31)],
)  # fmt: skip
def test_dates_in_every_accepted_form(cell):
    assert parsing.parse_date(cell, "issued_on") == date(2024, 1, 31)


@pytest.mark.parametrize(("cell", "code"), [("", ErrorCode.REQUIRED), ("31/01/2024", ErrorCode.INVALID),
                                            ("2024-02-30", ErrorCode.INVALID), ("soon", ErrorCode.INVALID)])  # fmt: skip
def test_bad_dates_name_their_column(cell, code):
    with pytest.raises(DomainError) as refused:
        parsing.parse_date(cell, "expires_on")
    assert (refused.value.code, refused.value.field) == (code, ("expires_on",))


def test_enumerations_by_value_or_chinese_term():
    assert parsing.parse_status("") == CertificateStatus.VALID
    assert parsing.parse_status("暂停") == CertificateStatus.SUSPENDED
    assert parsing.parse_status("revoked") == CertificateStatus.REVOKED
    assert parsing.parse_class("c") == parsing.parse_class("C类") == FactoryClass.C
    assert parsing.parse_kind("分中心") == UnitKind.SUBCENTER
    assert parsing.parse_roles("planner; 检查员；MARKET_BUYER") == [Role.PLANNER, Role.INSPECTOR, Role.MARKET_BUYER]
    assert parsing.parse_country("德国") == "DE"
    with pytest.raises(DomainError, match="is not one of"):
        parsing.parse_status("EXPIRED")


# --- the report ----------------------------------------------------------------------------


PROBLEMS = [
    Problem(3, "class", ErrorCode.INVALID, "class: '=1+2' is not one of A, B, C, D", "=1+2"),
    Problem(4, "name", ErrorCode.REQUIRED, "name must not be blank", ""),
    Problem(5, "address", ErrorCode.INVALID, "odd", "@SUM(A1)"),
    Problem(6, "province", ErrorCode.INVALID, "odd", "-2+3"),
    Problem(7, "code", ErrorCode.INVALID, "odd", "+cmd|' /C calc'!A0"),
]


def test_the_csv_report_neutralises_formulas():
    data = report_csv(PROBLEMS)
    assert data.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["row", "column", "value", "code", "message"]
    assert lines[1] == ["3", "class", "'=1+2", "INVALID", "class: '=1+2' is not one of A, B, C, D"]
    assert [line[2] for line in lines[3:]] == ["'@SUM(A1)", "'-2+3", "'+cmd|' /C calc'!A0"]


def test_the_xlsx_report_holds_text_never_formulas():
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(report_xlsx(PROBLEMS))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:4] == ["3", "class", "'=1+2", "INVALID"]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)


def test_a_problem_reads_well_in_a_terminal():
    assert describe(PROBLEMS[0]) == "row 3, class ('=1+2'): class: '=1+2' is not one of A, B, C, D [INVALID]"


def _with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet is replaced by `sheet_xml`."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["code", "name"], ["F1", "x"]]))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info.filename, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>"
          + SHEET % b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>')  # fmt: skip
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + SHEET % b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>')  # fmt: skip


@pytest.mark.parametrize("sheet", [LAUGHS, EXTERNAL], ids=["entity expansion", "external entity"])
def test_xml_entity_tricks_in_a_sheet_are_refused_quickly(sheet):
    with pytest.raises(DomainError) as refused:
        read_table(_with_sheet(sheet), "f.xlsx")
    assert refused.value.field == ("file",) and "XLSX" in refused.value.message


def test_a_sheet_declaring_every_cell_or_a_far_away_one_is_read_as_it_is():
    import time

    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c>'
        b"</row>" % (n, n, a, n, b)
        for n, (a, b) in enumerate([(b"code", b"name"), (b"F1", b"x"), (b"F2", b"y")], start=1)
    )
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
    sheet = SHEET.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>') % (rows + far)
    started = time.monotonic()
    table = read_table(_with_sheet(sheet), "f.xlsx")
    assert time.monotonic() - started < 2  # not a million padded rows of 16,384 cells
    assert table.headers == ["code", "name"]
    assert table.rows == [(2, ["F1", "x"]), (3, ["F2", "y"])]


@pytest.mark.parametrize("name", ["f.csv", "f.xlsx"])
def test_rows_of_whitespace_are_blank_rows_for_the_cap(name):
    """A row whose cells hold only spaces or tabs is dropped like an empty one and never counts
    towards the row cap, in either format."""
    rows = [FACTORY_ROWS[0], FACTORY_ROWS[1], [" ", "\t", "  ", " ", " ", " "], [" "] * 6, FACTORY_ROWS[2]]
    data = xlsx_bytes(rows) if name.endswith("xlsx") else csv_bytes(rows)
    assert [n for n, _ in read_table(data, name, Limits(max_rows=2)).rows] == [2, 5]


def test_a_run_of_whitespace_rows_ends_a_sheet_as_blank_rows_do():
    """reading.py's MAX_BLANK_RUN: 1,000 blank rows in a row end the table, whitespace or empty."""
    from services.imports.reading import MAX_BLANK_RUN

    rows = [FACTORY_ROWS[0], FACTORY_ROWS[1], *([[" ", "  "]] * (MAX_BLANK_RUN + 1)), FACTORY_ROWS[2]]
    assert [n for n, _ in read_table(xlsx_bytes(rows), "f.xlsx").rows] == [2]
    shorter = [FACTORY_ROWS[0], FACTORY_ROWS[1], *([[" ", "  "]] * MAX_BLANK_RUN), FACTORY_ROWS[2]]
    assert [n for n, _ in read_table(xlsx_bytes(shorter), "f.xlsx").rows] == [2, MAX_BLANK_RUN + 3]
