"""Audit records and policy lines as GraphQL objects (HQ's auditors and administrators)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from domain.audit_events import AuditAction as DomainAuditAction
from schema.audit_action_descriptions import DESCRIPTIONS
from schema.enums import _mirror
from schema.relay import Node, to_global_id

AuditAction = _mirror(
    DomainAuditAction,
    "AuditAction",
    "审计事件 What an audit record says happened; each value is stored (and exported) as the dotted name shown.",
    {m.name: f"{DESCRIPTIONS[m.name]} (recorded as `{m.value}`)" for m in DomainAuditAction},
)

# Audit records name the stored object ("SurveillanceTask", "User"); GraphQL names its type ("Task", "Person").
NODE_TYPE = {"SurveillanceTask": "Task", "User": "Person"}
AUDIT_TYPE = {v: k for k, v in NODE_TYPE.items()}


@strawberry.type(description="Audit record 审计记录: who, when, what, why. Append-only, hash-chained.")
class AuditEntry(Node):
    seq: int = strawberry.field(description="Position in the hash chain, from 1, without gaps.")
    at: dt.datetime = strawberry.field(description="When the change was committed.")
    actor: str = strawberry.field(description="Login of the person, or 'system'.")
    unit: str = strawberry.field(description="Code of the unit the person acted for.")
    action: str = strawberry.field(
        description="The action's stored name (`task.create`)", deprecation_reason="Use actionCode, an enum."
    )
    object_type: str = strawberry.field(
        description="Type of the changed object as stored (SurveillanceTask, User, Factory, ...)."
    )
    object_id: strawberry.ID | None = strawberry.field(description="Global ID of the changed object.")
    before: JSON | None = strawberry.field(
        description="The changed values before (fields you may not see left out); null for a creation."
    )
    after: JSON | None = strawberry.field(description="The changed values after (fields you may not see left out).")
    reason: str | None = strawberry.field(description="Why, as the person gave it.")
    request_id: str = strawberry.field(description="ID of the request that made the change (also in the server log).")
    hash: str = strawberry.field(description="SHA-256 over this record and the previous record's hash.")

    @strawberry.field(description="审计事件 The action as an enum; null for an action retired since it was recorded.")
    def action_code(self) -> AuditAction | None:  # type: ignore[valid-type]
        try:
            return AuditAction(self.action)
        except ValueError:
            return None

    @classmethod
    def from_model(cls, m, hidden: set[str] | frozenset[str] = frozenset()) -> AuditEntry:
        """`hidden`: keys of before/after the viewer may not see (field-level rules)."""
        return cls(
            id=to_global_id("AuditEntry", m.id),
            seq=m.seq,
            at=m.at,
            actor=m.actor,
            unit=m.unit,
            action=m.action,
            object_type=m.object_type,
            object_id=to_global_id(NODE_TYPE.get(m.object_type, m.object_type), m.object_id)
            if m.object_id is not None
            else None,
            before=_without(m.before, hidden),
            after=_without(m.after, hidden),
            reason=m.reason,
            request_id=m.request_id,
            hash=m.hash,
        )


@strawberry.type(
    description="A Casbin policy line 授权策略: p (role, domain, object, action) or g2 (child unit, overseeing unit)."
)
class PolicyRule(Node):
    ptype: str = strawberry.field(description="p (a permission) or g2 (a unit overseen by another).")
    values: list[str] = strawberry.field(
        description="The line's values: role, domain, object, action for p; child, overseer for g2."
    )

    @classmethod
    def from_model(cls, m) -> PolicyRule:
        return cls(id=to_global_id("PolicyRule", m.id), ptype=m.ptype, values=m.values())


def _without(values: dict | None, hidden) -> dict | None:
    if not values or not hidden:
        return values
    return {k: v for k, v in values.items() if k not in hidden}
