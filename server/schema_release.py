"""Schema governance: the released contract (`schema/released.graphql`) against today's schema.

Breaking changes (graphql-core's `find_breaking_changes`) fail the contract test unless
`schema/approved_breaks.toml` lists each one with a reason; so does a changed argument or input
field default (graphql-core calls it dangerous: a client that leaves it out silently gets another
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

# A default changed or removed: a client that leaves the argument or input field out silently
# gets another answer, so these need an approval like a break.
DEFAULTS_CHANGED = {DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE, DangerousChangeType.INPUT_FIELD_DEFAULT_VALUE_CHANGE}

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
    treated_as_breaking = [c for c in dangerous if c.type in DEFAULTS_CHANGED]
    changes = [(c.type.name, c.description) for c in [*find_breaking_changes(old, new), *treated_as_breaking]]
    for kind, description in changes:
        text = f"{kind}: {description}"
        matched = description if description in approvals else text if text in approvals else None
        if matched:
            seen.add(matched)
            result.approved.append(text)
        else:
            result.unapproved.append(text)
    result.stale = sorted(set(approvals) - seen)
    result.dangerous = [f"{c.type.name}: {c.description}" for c in dangerous if c not in treated_as_breaking]
    return result


class UnapprovedBreaks(RuntimeError):
    """Today's schema breaks the released one in ways the approval file does not list."""

    def __init__(self, changes: list[str]) -> None:
        super().__init__("\n".join(changes))
        self.changes = changes


def release(current_sdl: str, released: Path = RELEASED_PATH, approvals: Path = APPROVALS_PATH) -> None:
    """Make `current_sdl` the released contract. Refused (UnapprovedBreaks) while a break is not
    approved with its reason: releasing is no way around an approval."""
    baseline = released.read_text(encoding="utf-8") if released.exists() else None
    if baseline is not None:
        comparison = compare(baseline, current_sdl, approvals.read_text(encoding="utf-8") if approvals.exists() else "")
        if comparison.unapproved:
            raise UnapprovedBreaks(comparison.unapproved)
    released.write_text(current_sdl, encoding="utf-8")
    approvals.write_text(APPROVALS_HEADER, encoding="utf-8")
