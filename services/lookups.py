"""Plain reads the GraphQL layer needs to present objects it already may show: names for ids,
rows by id, and pages. Resolvers read through here and never import the store; access is
decided by the caller (a visible scope, or a permission asked first)."""

from __future__ import annotations

from services.context import Session
from services.gates import GATES
from store.models import (
    AuditEntry,
    Dispute,
    OrgUnit,
    PolicyRule,
    ProductCategory,
    Purchase,
    PurchaseAssignment,
    SurveillanceTask,
    User,
)
from store.pagination import Page, PageRequest, paginate
from store.units import units_by_id

__all__ = [
    "Page", "PageRequest", "assignment", "audit_entries", "categories", "category_codes", "disputes", "paginate",
    "policy_rules", "purchase_owners", "tasks", "unit_codes", "units_by_id", "user_logins",
]  # fmt: skip


async def unit_codes(unit_ids: set[int]) -> dict[int, str]:
    return dict(await OrgUnit.filter(id__in=unit_ids).values_list("id", "code"))


async def user_logins(user_ids: set[int]) -> dict[int, str]:
    return dict(await User.filter(id__in=user_ids).values_list("id", "login"))


async def tasks(task_ids: list[int]) -> list[SurveillanceTask]:
    return await SurveillanceTask.filter(id__in=task_ids)


async def categories(category_ids: list[int] | None = None):
    """Product categories by id, or (None) the query of all of them, for a page."""
    return ProductCategory.all() if category_ids is None else await ProductCategory.filter(id__in=category_ids)


async def category_codes() -> dict[int, str]:
    return dict(await ProductCategory.all().values_list("id", "code"))


async def audit_entries(session: Session, entry_ids: list[int]) -> list[AuditEntry]:
    """The whole log, for whoever the AuditEntry gate lets read it (HQ's auditors)."""
    return await AuditEntry.filter(id__in=entry_ids) if _read_at_hq(session, "AuditEntry") else []


async def policy_rules(session: Session, rule_ids: list[int]) -> list[PolicyRule]:
    """Policy lines, for whoever the PolicyRule gate lets read them (HQ's administrators)."""
    return await PolicyRule.filter(id__in=rule_ids) if _read_at_hq(session, "PolicyRule") else []


def _read_at_hq(session: Session, node_type: str) -> bool:
    """Audit entries and policy lines all belong to HQ (their gates' loaders say so): one
    decision covers every id asked."""
    gate = GATES[node_type]
    return session.perms.decide(gate.read_action, gate.kind, ["hq"]).allowed


async def disputes(dispute_ids: list[int]) -> list[Dispute]:
    return await Dispute.filter(id__in=dispute_ids).select_related("opened_by", "settled_by")


async def purchase_owners(purchase_ids: list[int]) -> dict[int, int]:
    """{purchase id: its purchase assignment's id}."""
    return dict(await Purchase.filter(id__in=purchase_ids).values_list("id", "assignment_id"))


async def assignment(assignment_id: int) -> PurchaseAssignment:
    return await PurchaseAssignment.get(id=assignment_id)
