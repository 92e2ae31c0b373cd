"""What every kind of import shares: the prepared file, the plan of changes, the outcome, and the
small tools the kinds use (row problems, batched look-ups, audit records naming the import)."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any, TypeVar

from tortoise.functions import Lower

from domain.audit_events import AuditAction
from domain.errors import DomainError, DomainErrors, ErrorCode
from services.imports.columns import COLUMNS, ImportKind, map_headers
from services.imports.parsing import text
from services.imports.reading import Limits, read_table
from services.imports.report import Problem

BATCH = 500  # keys per look-up (IN lists) and rows per write
T = TypeVar("T")
# (phase, done, total): "checking" then "writing"; the CLI draws a progress bar from it.
Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str | date]

    def get(self, column: str) -> str | date:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Source:
    """A read file: its rows by column name, and what names the import in the audit trail."""

    kind: ImportKind
    filename: str
    sha256: str
    rows: list[Row]
    columns: frozenset[str]  # the columns the file has (optional ones may be absent)
    encoding: str
    as_xlsx: bool

    def reason(self, row: int | None = None) -> str:
        where = f", row {row}" if row is not None else ""
        return f"{reason_prefix(self.kind)}{self.filename} (sha256 {self.sha256}){where}"


def reason_prefix(kind: ImportKind) -> str:
    """How the reason of every change an import of `kind` writes begins (the public page finds
    the status a certificate was taken over in by it: services/public_status.py)."""
    return f"import {kind.value} "


def prepare(kind: ImportKind, data: bytes, filename: str | None, limits: Limits | None = None) -> Source:
    """Read and map a file (CPU only: run it off the event loop). A file that cannot be read,
    or whose headers are wrong, raises DomainError(s) on `file`."""
    table = read_table(data, filename, limits)
    index = map_headers(kind, table.headers)
    rows = [
        Row(number, {name: cells[i] if i < len(cells) else "" for name, i in index.items()})
        for number, cells in table.rows
    ]
    name = PurePath(filename or f"{kind.value}.csv").name[:200]
    digest = hashlib.sha256(data).hexdigest()
    return Source(kind, name, digest, rows, frozenset(index), table.encoding, table.encoding == "xlsx")


@dataclass
class Change:
    """One row's effect: a new record (before None) or the changed fields of an existing one."""

    row: int
    key: str
    before: dict | None
    after: dict
    draft: Any = None  # what the kind writes
    existing: Any = None  # the stored record it updates


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    extra: dict = field(default_factory=dict)  # what a kind writes besides the rows (enterprise units)

    @property
    def created(self) -> list[Change]:
        return [c for c in self.changes if c.before is None]

    @property
    def updated(self) -> list[Change]:
        return [c for c in self.changes if c.before is not None]

    def reject(self, row: Row, error: DomainError | DomainErrors) -> None:
        errors = error.errors if isinstance(error, DomainErrors) else [error]
        for e in errors:
            column = e.field[0] if e.field else None
            self.problems.append(Problem(row.number, column, e.code, e.message, text(row.get(column or ""))))

    def problem(self, row: Row, column: str, code: ErrorCode, message: str) -> None:
        self.problems.append(Problem(row.number, column, code, message, text(row.get(column))))

    def rejected_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}


@dataclass
class Outcome:
    kind: ImportKind
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    problems: list[Problem]
    dry_run: bool
    applied: bool  # False: a dry run, or all-or-nothing with bad rows, or nothing to change

    def summary(self) -> dict:
        return {
            "kind": self.kind.value,
            "file": self.filename,
            "sha256": self.sha256,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def chunks(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def same_key(value: str) -> str:
    """How natural keys compare (factory codes, certificate numbers, logins): NFKC, trimmed,
    without regard to case — `Ｅ001`, `e001` and `E001` name one factory, as createFactory and
    issueCertificate hold (services/registry_admin)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


async def stored_by_key(model, field: str, keys: Iterable[str], fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """The stored rows whose `field` is among `keys` in the sense of `same_key`, by that key:
    models, or with `fields` dicts of those fields only. Looked up exactly first (the unique
    index answers: a rerun finds everything there), then, for the keys still missing, without
    regard to case (a scan of the table per batch of 500: new rows only)."""
    found: dict[str, Any] = {}

    async def look(query) -> None:
        for row in await (query.values(*fields) if fields else query):
            found[same_key(row[field] if fields else getattr(row, field))] = row

    given = {unicodedata.normalize("NFKC", k).strip() for k in keys if k}
    for batch in chunks(sorted(given)):
        await look(model.filter(**{f"{field}__in": batch}))
    missing = sorted({same_key(k) for k in given} - found.keys())
    for batch in chunks(missing):
        await look(model.annotate(key_lower=Lower(field)).filter(key_lower__in=batch))
    return found


def first_of_each_key(plan: Plan, rows: list[Row], key: Callable[[Row], str], column: str) -> list[Row]:
    """The rows whose key is not repeated from an earlier row (a later copy is a problem)."""
    seen: dict[str, int] = {}
    kept = []
    for row in rows:
        k = same_key(key(row))
        if k and k in seen:
            message = f"{column} {key(row)!r} is also on row {seen[k]}: one row per {column}"
            plan.problem(row, column, ErrorCode.CONFLICT, message)
            continue
        if k:
            seen[k] = row.number
        kept.append(row)
    return kept


def audit_records(source: Source, object_type: str, changes: list[Change], ids: dict[str, int]) -> list[dict]:
    """One record per created or changed row, before/after, naming the file and row."""
    return [
        {
            "action": AuditAction.IMPORT_CREATE if c.before is None else AuditAction.IMPORT_UPDATE,
            "object_type": object_type,
            "object_id": ids[c.key],
            "before": c.before,
            "after": c.after,
            "reason": source.reason(c.row),
        }
        for c in changes
    ]


def plain(value: Any) -> Any:
    """A value as the audit trail keeps it (JSON)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value.value if hasattr(value, "value") else value


def diff(current: dict, wanted: dict) -> tuple[dict, dict]:
    """(before, after) of the fields that differ."""
    before = {k: plain(current[k]) for k in wanted if plain(current[k]) != plain(wanted[k])}
    return before, {k: plain(wanted[k]) for k in before}


def known_columns(kind: ImportKind) -> list[str]:
    return [c.name for c in COLUMNS[kind]]
