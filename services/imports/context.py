"""What one import run carries through its kinds: the command's unit of work, the file, the
configuration, the policy sync to refresh after commit, and the progress callback."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from domain.audit_events import AuditAction
from domain.enums import UnitKind
from domain.jurisdiction import JurisdictionMap
from services import audit_log
from services.imports.common import Progress, Source
from services.policy_sync import PolicySync
from services.work import Work
from store import policy_store
from store.db import after_commit
from store.models import PolicyRule
from store.units import load_jurisdiction

HQ = "hq"
EVERY = 500  # rows between two progress reports


@dataclass
class Context:
    work: Work
    source: Source
    north_china: tuple[str, ...]
    sync: PolicySync | None
    progress: Progress
    _jurisdiction: JurisdictionMap | None = None

    async def jurisdiction(self) -> JurisdictionMap:
        """The map as stored when the import began (one look-up per import)."""
        if self._jurisdiction is None:
            self._jurisdiction = await load_jurisdiction(self.north_china)
        return self._jurisdiction

    async def tick(self, phase: str, done: int, total: int) -> None:
        """Report progress every few hundred rows, and let other requests run meanwhile: checking
        20,000 rows is CPU work that must not hold the event loop for its whole length."""
        if done == total or done % EVERY == 0:
            self.progress(phase, done, total)
            await asyncio.sleep(0)

    async def policy_changed(self) -> None:
        """Roles or policy lines changed: every process reloads (revision), this one after commit."""
        await policy_store.bump_revision()
        if self.sync is not None:
            sync = self.sync
            after_commit(lambda: sync.refresh(force=True))


async def oversee_by_hq(ctx: Context, units: list[tuple[str, UnitKind]]) -> None:
    """A new HQ-overseen unit (sub-centre, agency, lab) gets its `g2, unit:<code>, unit:hq` line:
    HQ's staff then act there as everywhere (docs/architecture.md, Authorization). Enterprises
    are reached through their factories instead. Audited as policy lines added."""
    wanted = [
        ("g2", f"unit:{code}", f"unit:{HQ}") for code, kind in units if kind not in (UnitKind.ENTERPRISE, UnitKind.HQ)
    ]
    if not wanted:
        return
    existing = set(
        await PolicyRule.filter(ptype="g2", v1=f"unit:{HQ}", v0__in=[w[1] for w in wanted]).values_list("v0", flat=True)
    )
    lines = [line for line in wanted if line[1] not in existing]
    if not lines:
        return
    await PolicyRule.bulk_create([PolicyRule(**policy_store.rule_fields(line)) for line in lines])
    ids = dict(
        await PolicyRule.filter(ptype="g2", v1=f"unit:{HQ}", v0__in=[line[1] for line in lines]).values_list("v0", "id")
    )
    await audit_log.record_many(
        [
            {
                "action": AuditAction.POLICY_ADD,
                "object_type": "PolicyRule",
                "object_id": ids[line[1]],
                "after": {"line": list(line)},
                "reason": f"{ctx.source.reason()}: a new unit is overseen by HQ",
            }
            for line in lines
        ]
    )
    await ctx.policy_changed()
