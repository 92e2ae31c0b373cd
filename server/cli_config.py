"""`surveil config check`: the effective settings, where each came from, secrets masked; exit 0
when the service would start with them, 1 with the problems otherwise."""

from __future__ import annotations

import sys

from server.settings import ENV_NAMES, Settings, check, check_public
from server.settings_source import SECRETS, URL_SETTINGS, SettingsError, read_settings
from store.readiness import DatabaseProblem, check_url, shown

INVALID = 1  # like `audit verify`: the check ran and found something wrong


def shown_value(name: str, value: object) -> str:
    """A setting as printed: secrets masked, a database URL without its password, lists joined."""
    if name in SECRETS:
        return "****" if value else "(empty)"
    if name in URL_SETTINGS and value:
        return shown(str(value))
    if isinstance(value, tuple):
        return ",".join(value) or "(none)"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def problems_of(settings: Settings) -> list[str]:
    problems = []
    try:
        check_url(settings.database_url)  # what every command that opens the database refuses
    except DatabaseProblem as exc:
        problems.append(f"DATABASE_URL: {exc}")
    try:
        check(settings)
        check_public(settings)
    except RuntimeError as exc:
        problems.append(str(exc))
    return problems


def cmd_config(args, settings=None) -> int:
    try:
        loaded = read_settings()
    except SettingsError as exc:
        _print_problems(exc.problems)
        return INVALID
    print(f"settings of surveil ({loaded.settings.env}); .env file: {loaded.env_file or 'none'}")
    width = max(len(variable) for variable in ENV_NAMES.values())
    for name, variable in ENV_NAMES.items():
        value = shown_value(name, getattr(loaded.settings, name))
        print(f"  {variable:<{width}}  {value}  [{loaded.sources[name]}]")
    problems = problems_of(loaded.settings)
    if problems:
        _print_problems(problems)
        return INVALID
    print("settings valid")
    return 0


def _print_problems(problems: list[str]) -> None:
    print(f"settings invalid ({len(problems)} problem{'s' if len(problems) > 1 else ''}):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def add_commands(sub) -> None:
    config = sub.add_parser("config", help="settings tools")
    config.add_argument("action", choices=["check"], help="print the effective settings and check them")
    config.set_defaults(fn=cmd_config, needs_settings=False)
