"""`surveil`: serve, worker, mail-sink, migrate, seed --demo, token --user, audit verify|checkpoint, certificates
expire, schema export|release, i18n extract|fill, config check, archive export|verify, stats,
import units|factories|certificates|people."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from server.cli_archive import add_commands
from server.cli_audit import add_commands as add_audit_commands
from server.cli_config import add_commands as add_config_commands
from server.cli_import import add_commands as add_import_commands
from server.cli_serve import add_serve_command, proxy_options, stop_on_request  # noqa: F401 (tests and scripts import them here)
from server.logs import configure_logging
from server.settings import load_settings
from services.clock import use_time_zone

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def export_schema_text() -> str:
    from server.graphql import build_schema
    from server.settings import Settings

    return build_schema(Settings()).as_str() + "\n"


async def _with_db(settings, fn):
    from store import bus as process_bus
    from store.readiness import ready_database

    # The deployment's bus: a policy change made here (an import of people) reaches the servers.
    bus = process_bus.connect(settings.redis_url, settings.redis_namespace)
    process_bus.install(bus)
    await bus.start()
    try:
        # Refuses (DatabaseNotReady) a missing or unmigrated database rather than creating one.
        async with ready_database(settings.database_url):
            return await fn()
    finally:
        await bus.close()
        process_bus.install(process_bus.LocalBus())


def cmd_migrate(args, settings) -> int:
    from policies.authorizer import read_seed_policy
    from store.migrate import apply_migrations
    from store.readiness import check_url

    check_url(settings.database_url)  # an unusable URL is refused before anything is created
    seeded = asyncio.run(apply_migrations(settings.database_url, read_seed_policy()))
    print(f"migrations applied; {seeded} seed policy lines loaded" if seeded else "migrations applied")
    return 0


def cmd_seed(args, settings) -> int:
    if not args.demo:
        print("nothing to seed: pass --demo", file=sys.stderr)
        return 2
    from server.demo_tasks import seed_demo_tasks
    from server.seed import seed_demo

    async def seed():
        created = await seed_demo(settings.north_china)
        created["tasks"] = await seed_demo_tasks(settings.north_china, settings.document_dir)
        return created

    created = asyncio.run(_with_db(settings, seed))
    print(
        "demo world: " + (", ".join(f"{v} {k}" for k, v in created.items() if v) or "already loaded, nothing changed")
    )
    if args.print_tokens:
        _print_tokens(settings, None)
    return 0


def _print_tokens(settings, login: str | None) -> int:
    from server.auth import issue_dev_token
    from store.models import User

    async def users():
        qs = User.filter(active=True).order_by("id")
        return await (qs.filter(login=login) if login else qs)

    found = asyncio.run(_with_db(settings, users))
    if not found:
        print(f"no active user {login!r}", file=sys.stderr)
        return 1
    for user in found:
        token = issue_dev_token(settings, user.id, user.login)
        print(token if login else f"{user.login:24} Bearer {token}")
    return 0


def cmd_token(args, settings) -> int:
    return _print_tokens(settings, args.user)


def cmd_certificates(args, settings) -> int:
    from services.certificate_expiry import expire_due

    moved = asyncio.run(_with_db(settings, expire_due))
    print(
        f"{len(moved)} certificate(s) past their expiry date moved to EXPIRED (过期)" + "".join(f"\n{n}" for n in moved)
    )
    return 0


def cmd_schema(args, settings) -> int:
    text = export_schema_text()
    if args.action == "release":  # deliberate: today's schema becomes the contract clients rely on
        from server.schema_release import APPROVALS_PATH, RELEASED_PATH, UnapprovedBreaks, release

        SCHEMA_PATH.write_text(text, encoding="utf-8")
        try:
            release(text)
        except UnapprovedBreaks as refused:
            print(f"not released: breaks not approved in {APPROVALS_PATH} (add each with its reason):", file=sys.stderr)
            for change in refused.changes:
                print(f"  {change}", file=sys.stderr)
            return 1
        print(f"released: {RELEASED_PATH} is today's schema, {APPROVALS_PATH} emptied")
        return 0
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def cmd_worker(args, settings) -> int:
    from server.worker import serve

    asyncio.run(serve(settings))
    return 0


def cmd_mail_sink(args, settings) -> int:
    from server.mail_sink import run

    return run(args.host, args.port, args.folder, args.ready_file)


def cmd_i18n(args, settings) -> int:
    from services.i18n.extract import scan, write_catalogs

    if args.action == "fill":  # a translator's table: msgid<TAB>text per line
        from services.i18n import LOCALES
        from services.i18n.fill import fill

        if not Path(args.table).is_file():
            print(f"surveil i18n fill: {args.table}: no such file", file=sys.stderr)
            return 2
        refused = fill(LOCALES / args.language / f"{args.domain}.po", Path(args.table))
        for msgid in refused:
            print(f"refused (unknown msgid, or other fields): {msgid!r}", file=sys.stderr)
        return 1 if refused else 0
    found = scan()
    for problem in found.problems:
        print(problem, file=sys.stderr)
    for path, missing in write_catalogs(found).items():
        print(f"{path}: {missing} msgid(s) without a text" if missing else f"{path}: complete")
    return 1 if found.problems else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="surveil", description="Post-certification surveillance API")
    sub = p.add_subparsers(dest="command", required=True)
    add_serve_command(sub)
    worker = sub.add_parser("worker", help="deliver notices (inbox, email, webhooks) and run periodic jobs")
    worker.set_defaults(fn=cmd_worker)
    sink = sub.add_parser("mail-sink", help="a local SMTP server keeping every message in a maildir (development)")
    sink.add_argument("--host", default="127.0.0.1")
    sink.add_argument("--port", type=int, default=8025)
    sink.add_argument("--folder", default="data/mail", help="the maildir (messages under new/)")
    sink.add_argument("--ready-file", help="written once it listens, removed when it stops (make run waits on it)")
    sink.set_defaults(fn=cmd_mail_sink)
    sub.add_parser("migrate", help="apply committed migrations and the seed policy").set_defaults(fn=cmd_migrate)
    seed = sub.add_parser("seed", help="load data")
    seed.add_argument("--demo", action="store_true", help="the demo world (idempotent)")
    seed.add_argument("--print-tokens", action="store_true", help="print a token per demo user")
    seed.set_defaults(fn=cmd_seed)
    token = sub.add_parser("token", help="a development bearer token for a user")
    token.add_argument("--user", required=True, metavar="LOGIN")
    token.set_defaults(fn=cmd_token)
    add_audit_commands(sub, _with_db)
    certificates = sub.add_parser("certificates", help="certificate tools")
    certificates.add_argument("action", choices=["expire"], help="expire every certificate past its date (idempotent)")
    certificates.set_defaults(fn=cmd_certificates)
    schema = sub.add_parser("schema", help="GraphQL contract tools")
    schema.add_argument(
        "action", choices=["export", "release"], help="release: today's schema becomes schema/released.graphql"
    )
    schema.add_argument("--output", default=str(SCHEMA_PATH), help="file, or - for stdout")
    schema.set_defaults(fn=cmd_schema)
    i18n = sub.add_parser("i18n", help="message catalogs")
    i18n.add_argument("action", choices=["extract", "fill"], help="extract: refresh the catalogs' msgids from the code")
    i18n.add_argument("table", nargs="?", help="fill: a file of msgid<TAB>text lines")
    i18n.add_argument("--language", default="zh", help="fill: the catalog's language")
    i18n.add_argument("--domain", default="errors", choices=["errors", "terms"], help="fill: which catalog")
    i18n.set_defaults(fn=cmd_i18n)
    add_commands(sub, _with_db)
    add_import_commands(sub, _with_db)
    add_config_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "needs_settings", True):
        return args.fn(args)
    try:
        settings = load_settings()
    except RuntimeError as exc:  # a setting the operator must fix: one line each, no traceback
        for problem in str(exc).splitlines():
            print(f"surveil {args.command}: {problem}", file=sys.stderr)
        return 2
    use_time_zone(settings.time_zone)
    configure_logging(settings.log_level)  # JSON lines (server/logs.py)
    from store.readiness import DatabaseProblem

    try:
        return args.fn(args, settings)
    except DatabaseProblem as exc:  # the operator's to fix: what is wrong and how, no traceback
        print(f"surveil {args.command}: {exc}", file=sys.stderr)
        return 2  # not 1, which `audit verify` and `archive verify` keep for "a problem was found"


if __name__ == "__main__":
    sys.exit(main())
