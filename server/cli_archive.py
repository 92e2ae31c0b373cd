"""`surveil archive export|verify` and `surveil stats`: operator tools run on the server."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from datetime import date
from pathlib import Path


def cmd_archive(args, settings, with_db) -> int:
    from services.archive.bundle import verify_bundle

    if args.action == "verify":
        data = Path(args.target).read_bytes()
        problems = verify_bundle(data)
        if args.against_db and not problems:
            problems = asyncio.run(with_db(settings, lambda: _compare_with_chain(data)))
        for problem in problems:
            print(f"PROBLEM {problem}")
        print("bundle intact" if not problems else f"bundle damaged: {len(problems)} problem(s)")
        return 1 if problems else 0
    from domain.errors import DomainError
    from services.archive.bundle import build_bundle
    from store.blobs import BlobStore

    async def export():
        task = await task_named(args.target)
        if task is None:
            return None
        return await build_bundle(task, BlobStore(settings.document_dir), "cli")

    try:
        found = asyncio.run(with_db(settings, export))
    except DomainError as exc:  # e.g. not archived: the operator's answer
        print(f"cannot export: {exc}", file=sys.stderr)
        return 1
    if found is None:
        print(f"no task {args.target}", file=sys.stderr)
        return 1
    name, data = found
    out = Path(args.out or name)
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes)")
    return 0


async def task_named(target: str):
    """A task by its number (EAST-2026-0042, any case) or its database id (digits only: no
    number is all digits); None if there is none."""
    from domain.task_numbers import MAX_LENGTH, normalized
    from schema.relay import MAX_DB_ID
    from store.models import SurveillanceTask

    text = normalized(target)
    if len(text) > MAX_LENGTH or not text.isprintable() or not text.isascii():  # no number is (argv may
        return None  # hold bytes that are not UTF-8, as lone surrogates the database drivers refuse)
    if text.isdigit():
        return await SurveillanceTask.filter(id=int(text)).first() if 0 < int(text) <= MAX_DB_ID else None
    return await SurveillanceTask.filter(number=text).first()


async def _compare_with_chain(data: bytes) -> list[str]:
    """Each audit record of the bundle must be the live chain's record of that number."""
    import json
    import zipfile

    from store.models import AuditEntry

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        trail = json.loads(archive.read("manifest.json"))["auditTrail"]
    live = dict(await AuditEntry.filter(seq__in=[r["seq"] for r in trail]).values_list("seq", "hash"))
    return [f"audit record {r['seq']}: not the live chain's record" for r in trail if live.get(r["seq"]) != r["hash"]]


def statistics_csv(stats) -> str:
    """One CSV of the statistics: a row per figure, grouped by section."""
    buffer = io.StringIO()
    w = csv.writer(buffer)
    w.writerow(["section", "key", "value", "extra"])
    w.writerow(["period", "unit", stats.unit_code or "ALL", f"{stats.date_from}..{stats.date_to}"])
    for kind, status, n in stats.tasks_by_kind_and_status:
        w.writerow(["tasks", f"{kind}/{status}", n, ""])
    w.writerow(["tasks", "completed", stats.completed, ""])
    w.writerow(["tasks", "completed_on_time", stats.completed_on_time, stats.on_time_rate])
    w.writerow(["tasks", "overdue", stats.overdue, ""])
    for reason, n in stats.exceptions_by_reason:
        w.writerow(["exceptions", reason, n, ""])
    w.writerow(["results", "total", stats.results, ""])
    w.writerow(["results", "with_nonconformities", stats.results_with_nonconformities, stats.nonconformity_rate])
    for category, tested, failed in stats.sampling_by_category:
        w.writerow(["sampling", category, tested, failed])
    for lab, reports, days in stats.lab_turnaround:
        w.writerow(["lab_turnaround", lab, reports, days])
    w.writerow(["person_days", "planned", stats.person_days_planned, ""])
    w.writerow(["person_days", "actual", stats.person_days_actual, ""])
    for login, days in stats.person_days_by_inspector:
        w.writerow(["person_days_by_inspector", login, days, ""])
    return buffer.getvalue()


def cmd_stats(args, settings, with_db) -> int:
    from services.archive.monitoring import compute
    from services.calendar import build_calendar

    calendar = build_calendar(settings.holidays_file)
    period = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    stats = asyncio.run(with_db(settings, lambda: compute(args.unit, *period, calendar)))
    text = statistics_csv(stats)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def add_commands(sub, with_db) -> None:
    archive = sub.add_parser("archive", help="digitised archive bundles")
    archive.add_argument("action", choices=["export", "verify"])
    archive.add_argument(
        "target", help="export: the task's number (任务编号, e.g. EAST-2026-0042) or database id; verify: a bundle file"
    )
    archive.add_argument("--out", help="export: where to write the zip")
    archive.add_argument("--against-db", action="store_true", help="verify: also compare with the live audit chain")
    archive.set_defaults(fn=lambda a, s: cmd_archive(a, s, with_db))
    stats = sub.add_parser("stats", help="monitoring statistics as CSV")
    stats.add_argument("--unit", help="unit code; all units when omitted")
    stats.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    stats.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    stats.add_argument("--out", help="CSV file (default: stdout)")
    stats.set_defaults(fn=lambda a, s: cmd_stats(a, s, with_db))
