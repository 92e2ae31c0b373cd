"""The error report of an import: one line per problem (row number, column, the cell as given,
code, reason), as CSV (UTF-8 with BOM, which Excel opens as UTF-8) or XLSX.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading
apostrophe: the report repeats what the file said, and a spreadsheet must not run it as a formula
(CSV injection)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from domain.errors import ErrorCode

HEADER = ("row", "column", "value", "code", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Problem:
    """One bad row (or the file itself: row None), what is wrong and where."""

    row: int | None
    column: str | None
    code: ErrorCode
    message: str
    value: str = ""


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _lines(problems: list[Problem]):
    yield HEADER
    for p in problems:
        row = "" if p.row is None else str(p.row)
        yield (row, p.column or "", neutralise(p.value), p.code.value, neutralise(p.message))


def report_csv(problems: list[Problem]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(_lines(problems))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def report_xlsx(problems: list[Problem]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    for line in _lines(problems):
        sheet.append([_ILLEGAL_IN_XLSX.sub("\ufffd", cell) for cell in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(problems: list[Problem], as_xlsx: bool) -> tuple[bytes, str, str]:
    """(content, file suffix, content type)."""
    if as_xlsx:
        return report_xlsx(problems), ".errors.xlsx", XLSX_TYPE
    return report_csv(problems), ".errors.csv", CSV_TYPE


def describe(problem: Problem) -> str:
    """One line for a terminal."""
    where = "file" if problem.row is None else f"row {problem.row}"
    if problem.column:
        where += f", {problem.column}"
    shown = f" ({problem.value!r})" if problem.value else ""
    return f"{where}{shown}: {problem.message} [{problem.code.value}]"
