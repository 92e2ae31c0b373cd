"""Building import files for the tests: CSV in a chosen encoding, XLSX workbooks, and the
example files of examples/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from domain.errors import DomainError, DomainErrors

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def csv_bytes(rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, blank_rows_above: int = 0, sheets: int = 1) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for _ in range(blank_rows_above):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    for n in range(1, sheets):
        workbook.create_sheet(f"other{n}").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messages(exc: DomainError | DomainErrors) -> list[str]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [e.message for e in errors]


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()
