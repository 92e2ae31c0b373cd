"""Schema governance: the released contract (`schema/released.graphql`) against today's schema.

Breaking changes (graphql-core's `find_breaking_changes`) fail the contract test unless
`schema/approved_breaks.toml` lists each one with a reason; so does a changed argument default
(graphql-core calls it dangerous: a client that leaves the argument out silently gets another
answer). The other dangerous changes (an enum value or optional argument added) are warnings.
`surveil schema release` moves the baseline on purpose and empties the approvals."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from graphql import DangerousChangeType, build_schema, find_breaking_changes, find_dangerous_changes

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
RELEASED_PATH = SCHEMA_DIR / "released.graphql"
APPROVALS_PATH = SCHEMA_DIR / "approved_breaks.toml"

APPROVALS_HEADER = """\
# Breaking changes against schema/released.graphql that are approved for the next release.
# One [[break]] per change: `change` is graphql-core's description of it, word for word
# (the contract test prints it), `reason` says why clients may be broken and who was told.
# `surveil schema release` moves the baseline and empties this file.
#
# [[break]]
# change = "Field Factory.province was removed."
# reason = "replaced by Factory.provinceCode in 0.3; every front end moved (ticket 123)"
"""


@dataclass
class Comparison:
    unapproved: list[str] = field(default_factory=list)  # breaking and not in the approval file
    approved: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # approvals that no longer match a change
    dangerous: list[str] = field(default_factory=list)


def load_approvals(text: str) -> dict[str, str]:
    """change description -> reason; an entry without both is refused."""
    approvals = {}
    for i, entry in enumerate(tomllib.loads(text).get("break", []), 1):
        change, reason = str(entry.get("change", "")).strip(), str(entry.get("reason", "")).strip()
        if not change or not reason:
            raise ValueError(f"approved break #{i} needs both `change` and `reason`")
        approvals[change] = reason
    return approvals


def compare(released_sdl: str, current_sdl: str, approvals_text: str = "") -> Comparison:
    old, new = build_schema(released_sdl), build_schema(current_sdl)
    approvals = load_approvals(approvals_text)
    result = Comparison()
    seen = set()
    dangerous = find_dangerous_changes(old, new)
    treated_as_breaking = [c for c in dangerous if c.type == DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE]
    for change in [*find_breaking_changes(old, new), *treated_as_breaking]:
        text = f"{change.type.name}: {change.description}"
        matched = change.description if change.description in approvals else text if text in approvals else None
        if matched:
            seen.add(matched)
            result.approved.append(text)
        else:
            result.unapproved.append(text)
    result.stale = sorted(set(approvals) - seen)
    result.dangerous = [f"{c.type.name}: {c.description}" for c in dangerous if c not in treated_as_breaking]
    return result


def release(current_sdl: str, released: Path = RELEASED_PATH, approvals: Path = APPROVALS_PATH) -> None:
    released.write_text(current_sdl, encoding="utf-8")
    approvals.write_text(APPROVALS_HEADER, encoding="utf-8")
