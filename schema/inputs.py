"""Input objects and filters."""

from __future__ import annotations

import strawberry

from schema import enums
from schema.idempotency import idempotency_key_field


@strawberry.input(description="Filter factories 工厂筛选. All given conditions must hold.")
class FactoryFilter:
    responsible_unit: str | None = strawberry.field(default=None, description="Unit code")
    country: str | None = strawberry.field(
        description="Only factories in this country (ISO 3166 alpha-2).", default=None
    )
    province: str | None = strawberry.field(description="Only factories in this province 省份.", default=None)
    classification: enums.FactoryClass | None = strawberry.field(
        default=None, description="Only matches factories whose class you may see."
    )
    status: enums.FactoryStatus | None = strawberry.field(description="Only factories in this status.", default=None)
    search: str | None = strawberry.field(default=None, description="Part of the name or code")


@strawberry.input(description="Filter certificates 证书筛选.")
class CertificateFilter:
    status: enums.CertificateStatus | None = strawberry.field(
        description="Only certificates in this status.", default=None
    )
    factory_id: strawberry.ID | None = None
    product_category: str | None = strawberry.field(default=None, description="Category code")
    search: str | None = strawberry.field(default=None, description="Part of the certificate number")
    suspension_expired: bool | None = strawberry.field(
        default=None, description="暂停期满未恢复 Suspended past the period without restoration: due for revocation"
    )


@strawberry.input(description="Which people to list 人员筛选.")
class PeopleFilter:
    unit_code: str | None = strawberry.field(default=None, description="Only people of this unit.")
    role: enums.Role | None = strawberry.field(
        default=None, description="Only people holding this role (in `unitCode`, when given)."
    )
    search: str | None = strawberry.field(default=None, description="Part of the login or the name.")
    include_deactivated: bool = strawberry.field(default=False, description="Also list deactivated people.")


@strawberry.input(description="Correct factory information 工厂信息维护 (§4.9). Omitted fields stay as they are.")
class CorrectFactoryInformationInput:
    factory_id: strawberry.ID
    expected_version: int
    reason: str = strawberry.field(description="Why the information is corrected 变更原因")
    name: str | None = strawberry.field(description="New name; omitted keeps it.", default=strawberry.UNSET)
    address: str | None = strawberry.field(description="New address; omitted keeps it.", default=strawberry.UNSET)
    country: str | None = strawberry.field(
        description="New country, ISO 3166 alpha-2; a move may change the responsible unit.", default=strawberry.UNSET
    )
    province: str | None = strawberry.field(
        description="New province 省份 (China); a move may change the responsible unit.", default=strawberry.UNSET
    )
    status: enums.FactoryStatus | None = strawberry.field(
        description="New factory status 工厂状态.", default=strawberry.UNSET
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Change a factory's class 调整企业分类.")
class ChangeFactoryClassInput:
    factory_id: strawberry.ID
    expected_version: int
    classification: enums.FactoryClass = strawberry.field(description="分类企业管理 The new class (A best).")
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="A Casbin policy line: p role,domain,object,action or g2 child,overseer.")
class PolicyRuleInput:
    ptype: str = strawberry.field(description="p or g2.")
    values: list[str] = strawberry.field(
        description="role, domain, object, action (p) or child unit, overseeing unit (g2)."
    )
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="A role held by a person inside a unit.")
class RoleAssignmentInput:
    login: str = strawberry.field(description="The person's login.")
    role: enums.Role = strawberry.field(description="岗位 The role.")
    unit_code: str = strawberry.field(description="Code of the unit the role is held in.")
    reason: str
    idempotency_key: str | None = idempotency_key_field()
