"""Mutation payloads: the changed object (null when refused) and userErrors."""

from __future__ import annotations

import strawberry

from schema.types import Factory, HeldRole, PolicyRule, UserError


@strawberry.type
class FactoryPayload:
    factory: Factory | None = strawberry.field(description="The factory as changed; null when nothing changed.")
    user_errors: list[UserError]


@strawberry.type
class PolicyRulePayload:
    rule: PolicyRule | None = strawberry.field(
        description="The policy line added or removed; null when nothing changed."
    )
    user_errors: list[UserError]


@strawberry.type
class RoleAssignmentPayload:
    role: HeldRole | None = strawberry.field(description="The role assigned or revoked; null when nothing changed.")
    login: str | None = strawberry.field(description="The person's login.")
    user_errors: list[UserError]
