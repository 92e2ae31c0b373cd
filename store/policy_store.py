"""Policy lines, role assignments and the revision counter, as the authorizer needs them."""

from __future__ import annotations

from tortoise.expressions import F

from store import bus
from store.db import after_commit, transaction_open
from store.models import PolicyRevision, PolicyRule, RoleAssignment


async def load_policy_lines() -> list[tuple[str, ...]]:
    rows = await PolicyRule.all().order_by("id")
    return [(row.ptype, *row.values()) for row in rows]


async def load_assignments() -> list[tuple[int, str, str]]:
    rows = await RoleAssignment.filter(user__active=True).values_list("user_id", "role", "unit__code")
    return [tuple(r) for r in rows]


async def current_revision() -> int:
    row = await PolicyRevision.filter(id=1).first()
    return row.revision if row else 0


POLICY_CHANNEL = "policy"  # the bus channel announcing a committed change of rules or roles


async def bump_revision() -> None:
    """The policy changed: every process must reload. Announced on the bus once the command's
    transaction has committed (at once outside one), so no process reloads before the change
    is visible to it (services/policy_sync.py)."""
    updated = await PolicyRevision.filter(id=1).update(revision=F("revision") + 1)
    if not updated:
        await PolicyRevision.create(id=1, revision=1)
    if transaction_open():
        after_commit(announce_change, once=True)
    else:
        await announce_change()


async def announce_change() -> None:
    """Tell every process of the deployment (the bus never raises: a lost message is caught by
    the reload on reconnect and the safety poll)."""
    await bus.current().publish(POLICY_CHANNEL, {"change": "policy"})


def rule_fields(line: tuple[str, ...]) -> dict:
    ptype, *values = line
    padded = [*values, "", "", "", ""][:4]
    return {"ptype": ptype, "v0": padded[0], "v1": padded[1], "v2": padded[2], "v3": padded[3]}


async def find_rule(line: tuple[str, ...]) -> PolicyRule | None:
    return await PolicyRule.filter(**rule_fields(line)).first()


async def seed_rules_if_empty(lines: list[tuple[str, ...]]) -> int:
    if await PolicyRule.exists():
        return 0
    await PolicyRule.bulk_create([PolicyRule(**rule_fields(line)) for line in lines])
    await bump_revision()
    return len(lines)
