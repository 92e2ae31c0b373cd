"""Payloads of registry administration: the changed object (null when refused) and userErrors."""

from __future__ import annotations

import strawberry

from schema.types import Factory, OrgUnit, Person, ProductCategory, UserError


@strawberry.type(description="The org unit as it is now, or why not.")
class OrgUnitPayload:
    unit: OrgUnit | None = strawberry.field(description="The unit created or changed; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why the request was refused.")


@strawberry.type(description="The product category as it is now, or why not.")
class ProductCategoryPayload:
    category: ProductCategory | None = strawberry.field(description="The category; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why the request was refused.")


@strawberry.type(description="The person as they are now, or why not.")
class PersonPayload:
    person: Person | None = strawberry.field(description="The person; null when refused.")
    user_errors: list[UserError] = strawberry.field(description="Why the request was refused.")


@strawberry.type(description="Both factories after a merge, and what moved.")
class MergeFactoriesPayload:
    duplicate: Factory | None = strawberry.field(description="The duplicate, now MERGED (mergedInto the survivor).")
    survivor: Factory | None = strawberry.field(description="The factory that stays.")
    moved_certificates: int = strawberry.field(description="How many certificates moved to the survivor.")
    moved_tasks: int = strawberry.field(description="How many surveillance tasks moved to the survivor.")
    user_errors: list[UserError] = strawberry.field(description="Why the request was refused.")
