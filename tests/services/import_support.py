"""Building import files for the tests: CSV in a chosen encoding, XLSX workbooks, the
example files of examples/, and sending a file to `importRegistry`."""

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


async def run_import(
    kind: str,
    rows: list[list],
    *,
    name: str = "registry.csv",
    as_login: str | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    sync=None,
    data: bytes | None = None,
):
    """The import command as the CLI runs it (`import:cli`), or as `as_login` through GraphQL's
    command (the policy decides)."""
    from server.settings import Settings
    from services.imports.columns import ImportKind
    from services.imports.common import prepare
    from services.imports.run import import_as_system, import_registry
    from tests.services.services_support import session_for

    source = prepare(ImportKind(kind), data if data is not None else csv_bytes(rows), name)
    if as_login is None:
        return await import_as_system(
            source=source, north_china=Settings().north_china, dry_run=dry_run, all_or_nothing=all_or_nothing
        )
    session = await session_for(as_login)
    return await import_registry(session, source=source, dry_run=dry_run, all_or_nothing=all_or_nothing, sync=sync)


def problems(outcome) -> list[tuple]:
    return [(p.row, p.column, p.code.value) for p in outcome.problems]


async def audit_since(seq: int) -> list:
    from store.models import AuditEntry

    return list(await AuditEntry.filter(seq__gt=seq).order_by("seq"))


async def head() -> int:
    from store.models import AuditEntry

    last = await AuditEntry.all().order_by("-seq").first()
    return last.seq if last else 0


async def chain_intact() -> bool:
    from domain.audit_chain import verify_chain
    from store.audit import iter_chain

    _, broken = verify_chain([r async for r in iter_chain()])
    return broken is None


IMPORT = """mutation($i: ImportRegistryInput!) { importRegistry(input: $i) {
  kind dryRun applied sha256 rowCount createdCount updatedCount unchangedCount rejectedCount problemCount
  rowErrors { row column value code message } reportUrl userErrors { field code message } } }"""


async def upload_import(api, kind: str, data: bytes, *, as_user: str, name: str = "registry.csv", **options) -> dict:
    """`importRegistry` with `data` as the uploaded file; the whole GraphQL answer."""
    variables = {"i": {"kind": kind, "file": None, **options}}
    return await api.upload(IMPORT, variables, {"i.file": (name, data, "text/csv")}, as_user=as_user)


def import_payload(body: dict) -> dict:
    assert "errors" not in body, body
    return body["data"]["importRegistry"]
