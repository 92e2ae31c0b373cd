"""Mutation payloads: the changed object (null when refused) and userErrors."""

from __future__ import annotations

import strawberry

from schema.types import Factory, HeldRole, PolicyRule, UserError


@strawberry.type
class FactoryPayload:
    factory: Factory | None
    user_errors: list[UserError]


@strawberry.type
class PolicyRulePayload:
    rule: PolicyRule | None
    user_errors: list[UserError]


@strawberry.type
class RoleAssignmentPayload:
    role: HeldRole | None
    login: str | None
    user_errors: list[UserError]
