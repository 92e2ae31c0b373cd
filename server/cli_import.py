"""`surveil import units|factories|certificates|people FILE`: the registry from CSV or XLSX files,
run on the server by an operator (audited as `import:cli`).

Exit status: 0 every row imported (or unchanged), 1 some rows were bad (the good ones imported,
or none with --all-or-nothing), 2 the file could not be read at all (or the database is not ready).
The bad rows are printed and written to an error report beside the file (`<file>.errors.csv`,
or `.errors.xlsx` for a workbook)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

MAX_PRINTED = 50  # problems printed in the terminal; the report has them all


def add_commands(sub, with_db) -> None:
    from services.imports.columns import ImportKind, expected_columns

    kinds = [k.value for k in ImportKind]
    parser = sub.add_parser(
        "import",
        help="import the registry from CSV/XLSX (units, factories, certificates, people)",
        description="Columns by header name (case-insensitive, Chinese aliases accepted): "
        + "; ".join(f"{k.value}: {expected_columns(k)}" for k in ImportKind),
    )
    parser.add_argument("kind", choices=kinds, help="what the file holds")
    parser.add_argument("file", help="CSV (UTF-8, with or without BOM, or GB18030) or XLSX (first sheet)")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument("--all-or-nothing", action="store_true", help="import nothing if any row is bad")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, only the summary and problems")
    parser.add_argument("--report", help="where to write the error report (default: beside the file)")
    parser.set_defaults(fn=lambda a, s: cmd_import(a, s, with_db))


def cmd_import(args, settings, with_db) -> int:
    from domain.errors import DomainError, DomainErrors
    from services.imports.columns import ImportKind
    from services.imports.common import prepare
    from services.imports.report import describe, render
    from services.imports.run import import_as_system

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"surveil import: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    progress = _Progress(quiet=args.quiet)
    try:
        source = prepare(ImportKind(args.kind), data, path.name)
        outcome = asyncio.run(
            with_db(
                settings,
                lambda: import_as_system(
                    source=source,
                    north_china=settings.north_china,
                    dry_run=args.dry_run,
                    all_or_nothing=args.all_or_nothing,
                    progress=progress,
                ),
            )
        )
    except (DomainError, DomainErrors) as exc:
        errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
        for error in errors:
            print(f"surveil import: {path.name}: {error.message}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    for problem in outcome.problems[:MAX_PRINTED]:
        print(describe(problem))
    if len(outcome.problems) > MAX_PRINTED:
        print(f"... and {len(outcome.problems) - MAX_PRINTED} more problems (all in the report)")
    if outcome.problems:
        content, suffix, _ = render(outcome.problems, source.as_xlsx)
        report = Path(args.report) if args.report else path.with_name(path.stem + suffix)
        report.write_bytes(content)
        print(f"error report: {report}")
    print(_summary(outcome, args))
    return 1 if outcome.problems else 0


def _summary(outcome, args) -> str:
    counts = (
        f"{outcome.rows} rows: {outcome.created} new, {outcome.updated} changed, "
        f"{outcome.unchanged} unchanged, {outcome.rejected} bad"
    )
    if outcome.dry_run:
        return f"dry run, nothing written. {counts}"
    if args.all_or_nothing and outcome.problems:
        return f"nothing imported (--all-or-nothing and bad rows). {counts}"
    if not outcome.applied:
        return f"nothing to change. {counts}"
    return f"imported {outcome.kind.value} from {outcome.filename}. {counts}"


class _Progress:
    """A tqdm bar per phase (checking, writing) with rows per second, on stderr, for long files
    only; none with --quiet or when stderr is not a terminal."""

    LONG = 1000  # rows

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.phase = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet or total < self.LONG:
            return
        if phase != self.phase:
            self.close()
            from tqdm import tqdm

            self.phase = phase
            self.bar = tqdm(
                total=total, desc=phase, unit="rows", file=sys.stderr, leave=False, mininterval=0.5, disable=None
            )
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
