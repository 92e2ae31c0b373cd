"""Reading an import file into a table of text cells: CSV (UTF-8 with or without BOM, GB18030,
UTF-16 with BOM; comma, semicolon or tab) or XLSX (its first sheet), with limits on size and rows.

Everything here is plain, synchronous and CPU-bound: callers on the event loop run it in a worker
thread (`asyncio.to_thread`). A file that cannot be read is a `DomainError` on the field `file`,
never an exception escaping with a traceback."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from domain.errors import DomainError, ErrorCode

FILE = ("file",)
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003
MAX_CELL_CHARS = 10_000  # no column of the registry comes near it
MAX_COLUMNS = 64  # columns read from a sheet (a registry file has at most 8)
MAX_BLANK_RUN = 1_000  # blank sheet rows in a row that end the table
# XLSX is a zip of XML: an archive whose parts unpack to far more than the file itself is a zip
# bomb. Refused before any XML is parsed, from the sizes the archive declares (and openpyxl reads
# through zipfile, which stops at the declared size).
MAX_XLSX_MEMBERS = 1_000
MAX_XLSX_RATIO = 200  # uncompressed : compressed, over the whole archive


@dataclass(frozen=True)
class Limits:
    max_rows: int | None = None  # data rows; None: unlimited (the CLI)
    max_unpacked_bytes: int = 1 << 30  # what an XLSX may unpack to, in all


@dataclass
class Table:
    """The header cells and the data rows, each with its row number as a spreadsheet shows it
    (the header is row 1). Blank rows are dropped; cells are stripped text or, from XLSX date
    cells, dates."""

    headers: list[str]
    rows: list[tuple[int, list[str | date]]] = field(default_factory=list)
    encoding: str = "xlsx"


def read_table(data: bytes, filename: str | None = None, limits: Limits | None = None) -> Table:
    limits = limits or Limits()
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise DomainError(ErrorCode.REQUIRED, "the file is empty", FILE)
    if data.startswith(OLE_MAGIC) or (filename or "").lower().endswith(".xls"):
        raise DomainError(ErrorCode.INVALID, "a binary .xls workbook: save it as XLSX or CSV (UTF-8)", FILE)
    table = _read_xlsx(data, limits) if data.startswith(XLSX_MAGIC) else _read_csv(data, limits)
    if not table.rows:
        raise DomainError(ErrorCode.REQUIRED, "the file has a header row but no data rows", FILE)
    return table


# --- CSV -----------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a BOM is dropped), UTF-16 with its BOM, else GB18030 — the
    encoding Chinese Excel saves CSV in. Bytes valid in none of them are refused."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8 (BOM)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16")
    if b"\x00" in data:
        raise DomainError(ErrorCode.INVALID, "not a text file (it contains NUL bytes): send CSV or XLSX", FILE)
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise DomainError(
            ErrorCode.INVALID, "the file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8 or XLSX", FILE
        ) from None


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise DomainError(
            ErrorCode.INVALID, "the file starts as {name} but is not valid {name}", FILE, name=name
        ) from None
    if "\x00" in text:
        raise DomainError(ErrorCode.INVALID, "not a text file (it contains NUL characters)", FILE)
    return text, name


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, limits: Limits) -> Table:
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")  # a BOM inside GB18030 or UTF-16 text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    table: Table | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if table is None:
                table = Table(headers=[_clean_header(c) for c in cells], encoding=encoding)
                continue
            _add_row(table, number, [c.strip() for c in cells], limits)
    except csv.Error as exc:
        raise DomainError(
            ErrorCode.INVALID, "not readable as CSV near row {line_num}: {exc}", FILE, line_num=reader.line_num, exc=exc
        ) from None
    if table is None:
        raise DomainError(ErrorCode.REQUIRED, "the file is empty", FILE)
    return table


def _add_row(table: Table, number: int, cells: list, limits: Limits) -> None:
    if not any(c != "" for c in cells):
        return
    if limits.max_rows is not None and len(table.rows) >= limits.max_rows:
        raise DomainError(
            ErrorCode.TOO_LONG,
            "more than {max_rows} rows: split the file (or import it on the server)",
            FILE,
            max_rows=limits.max_rows,
        )
    for cell in cells:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise DomainError(
                ErrorCode.TOO_LONG,
                "row {number} has a cell over {max_cell_chars} characters",
                FILE,
                number=number,
                max_cell_chars=MAX_CELL_CHARS,
            )
    table.rows.append((number, cells))


def _clean_header(cell) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip()


# --- XLSX ----------------------------------------------------------------------------------


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip whose declared contents are too many or unpack too far (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(ErrorCode.INVALID, "not a readable XLSX file (a damaged zip archive)", FILE) from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise DomainError(ErrorCode.INVALID, "not an XLSX file: too many parts in the archive", FILE)
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes or unpacked > MAX_XLSX_RATIO * max(len(data), 1):
        raise DomainError(
            ErrorCode.TOO_LONG,
            "the workbook unpacks to {unpacked} bytes: too large to import (a zip bomb?)",
            FILE,
            unpacked=unpacked,
        )


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    check_archive(data, limits)
    from openpyxl import load_workbook  # only when a workbook comes: a second to import

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises whatever its parsers raise for a damaged workbook
        raise DomainError(
            ErrorCode.INVALID, "not a readable XLSX workbook ({error})", FILE, error=type(exc).__name__
        ) from None
    try:
        if not workbook.worksheets:
            raise DomainError(ErrorCode.INVALID, "the workbook has no sheet", FILE)
        table: Table | None = None
        try:
            for number, cells in _sheet_rows(workbook.worksheets[0]):
                if table is None:
                    if not any(cells):
                        continue  # blank rows above the header
                    table = Table(headers=[_clean_header(c) for c in cells])
                    continue
                _add_row(table, number, cells, limits)
        except DomainError:
            raise
        except Exception as exc:  # malformed sheet XML
            raise DomainError(
                ErrorCode.INVALID, "the first sheet is not readable ({error})", FILE, error=type(exc).__name__
            ) from None
        if table is None:
            raise DomainError(ErrorCode.REQUIRED, "the first sheet is empty", FILE)
        return table
    finally:
        workbook.close()


def _sheet_rows(sheet):
    """(row number, cells) of a read-only sheet, each row at most MAX_COLUMNS wide and without its
    trailing blanks. The sheet's declared size is the file's say (A1:XFD1048576 would pad every
    row to 16,384 cells), and the gap before a far-away row is filled with blank rows: reading
    ends after MAX_BLANK_RUN blank rows in a row, as the end of the table. A cell of whitespace
    is blank (its row is dropped, as an empty one is, and counts towards that run)."""
    sheet.reset_dimensions()
    blank_run = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        width = len(values)
        while width and _blank(values[width - 1]):
            width -= 1
        blank_run = blank_run + 1 if width == 0 else 0
        if blank_run > MAX_BLANK_RUN:
            return
        yield number, [_cell(v) for v in values[:width]]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value) -> str | date:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # a code or number Excel kept as a number: 20210010000000, not 2.021e13
    return str(value).strip()
