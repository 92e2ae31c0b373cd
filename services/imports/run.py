"""The import commands: one file, one command, one transaction (services/runner.py).

`import_registry` is HQ staff's (GraphQL): units need `org_unit manage`, factories `factory
create`, certificates `certificate issue`, people `user manage`, each at HQ. `import_as_system`
is the operator's (`surveil import`, acting as `import:cli`).

Every row is checked, then the good ones are written in bulk (batched INSERTs and UPDATEs, keys
looked up in batches), each created or changed row audited with before/after and the file's
name, SHA-256 and row number, plus one summary record. A dry run, an all-or-nothing import with
bad rows, and a rerun that finds nothing to change write nothing and no audit record."""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from types import ModuleType
from typing import Any

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from services import audit_log
from services.context import Session
from services.imports import certificates, factories, people, units
from services.imports.columns import ImportKind
from services.imports.common import Outcome, Progress, Source, known_columns, no_progress, prepare
from services.imports.context import Context
from services.imports.reading import Limits
from services.imports.report import render
from services.policy_sync import PolicySync
from services.runner import Work, command
from store.db import refresh_statistics
from store.reports import KeptReport

KINDS: dict[ImportKind, ModuleType] = {
    ImportKind.UNITS: units,
    ImportKind.FACTORIES: factories,
    ImportKind.CERTIFICATES: certificates,
    ImportKind.PEOPLE: people,
}
# What HQ staff need, at HQ, to import each kind (the policy's action and object kind).
PERMISSIONS = {
    ImportKind.UNITS: ("manage", "org_unit"),
    ImportKind.FACTORIES: ("create", "factory"),
    ImportKind.CERTIFICATES: ("issue", "certificate"),
    ImportKind.PEOPLE: ("manage", "user"),
}
CLI_LOGIN = "import:cli"
UPLOAD_UNPACKED_BYTES = 64 << 20  # what an uploaded workbook may unpack to
ANALYZE_AFTER = 1_000  # rows written from which PostgreSQL's statistics are refreshed


async def read_source(kind: ImportKind, data: bytes, filename: str | None, limits: Limits | None = None) -> Source:
    """Read a file off the event loop: a big upload never stalls other requests."""
    return await asyncio.to_thread(prepare, kind, data, filename, limits)


async def may_import(session: Session, arguments: dict[str, Any]) -> None:
    action, kind = PERMISSIONS[arguments["source"].kind]
    session.perms.require(action, kind, ["hq"])


@command(authorize=may_import)
async def import_registry(
    work: Work,
    *,
    source: Source,
    dry_run: bool,
    all_or_nothing: bool,
    sync: PolicySync | None,
    progress: Progress | None = None,
) -> Outcome:
    config = work.user.config
    return await _run(
        work, source, dry_run, all_or_nothing, Context(work, source, config.north_china, sync, progress or no_progress)
    )


@command(system=True, system_login=CLI_LOGIN)
async def import_as_system(
    work: Work,
    *,
    source: Source,
    north_china: tuple[str, ...],
    dry_run: bool,
    all_or_nothing: bool,
    progress: Progress | None = None,
) -> Outcome:
    return await _run(
        work, source, dry_run, all_or_nothing, Context(work, source, north_china, None, progress or no_progress)
    )


async def _run(work: Work, source: Source, dry_run: bool, all_or_nothing: bool, ctx: Context) -> Outcome:
    kind = KINDS[source.kind]
    plan = await kind.plan(ctx, source.rows)
    order = {name: i for i, name in enumerate(known_columns(source.kind))}
    plan.problems.sort(key=lambda p: (p.row or 0, order.get(p.column or "", len(order))))  # as the file reads
    refused = all_or_nothing and bool(plan.problems)
    applied = not dry_run and not refused and bool(plan.changes)
    outcome = Outcome(
        kind=source.kind,
        filename=source.filename,
        sha256=source.sha256,
        rows=len(source.rows),
        created=len(plan.created) if not refused else 0,
        updated=len(plan.updated) if not refused else 0,
        unchanged=plan.unchanged,
        rejected=len(plan.rejected_rows()),
        problems=plan.problems,
        dry_run=dry_run,
        applied=applied,
    )
    if not applied:
        work.nothing_changed()
        return outcome
    await kind.apply(ctx, plan)
    if len(plan.changes) >= ANALYZE_AFTER:
        await refresh_statistics(kind.TABLES)
    await audit_log.record(AuditAction.IMPORT_RUN, "Import", None, after=outcome.summary(), reason=source.reason())
    return outcome


async def import_upload(
    session: Session,
    *,
    kind: ImportKind,
    data: bytes,
    filename: str | None,
    dry_run: bool,
    all_or_nothing: bool,
    sync: PolicySync | None,
) -> tuple[Outcome, str | None]:
    """An uploaded file (GraphQL): the caller's permission is checked before a byte is parsed;
    the file is read in a worker thread within the upload's byte limit and the configured row
    limit. Returns the outcome and, when rows were bad, the token of the error report kept for
    this caller alone to download."""
    action, object_kind = PERMISSIONS[kind]
    session.perms.require(action, object_kind, ["hq"])
    config = session.config
    if len(data) > config.max_upload_bytes:
        raise DomainError(
            ErrorCode.TOO_LONG,
            "the file is larger than {max_upload_bytes} bytes",
            ("file",),
            max_upload_bytes=config.max_upload_bytes,
        )
    limits = Limits(max_rows=config.max_import_rows, max_unpacked_bytes=UPLOAD_UNPACKED_BYTES)
    source = await read_source(kind, data, filename, limits)
    outcome = await import_registry(session, source=source, dry_run=dry_run, all_or_nothing=all_or_nothing, sync=sync)
    if not outcome.problems:
        return outcome, None
    content, suffix, content_type = await asyncio.to_thread(render, outcome.problems, source.as_xlsx)
    name = PurePath(source.filename).stem + suffix
    token = await asyncio.to_thread(config.import_reports.put, session.actor.user_id, content, name, content_type)
    return outcome, token


def kept_report(session: Session, token: str) -> KeptReport | None:
    """An error report, for the user who ran the import only (anyone else: as if missing)."""
    report = session.config.import_reports.get(token)
    if report is None or report.owner_id != session.actor.user_id:
        return None
    return report
