"""Inputs of registry administration (issue 12): org units, product categories, people."""

from __future__ import annotations

import strawberry

from schema import enums
from schema.idempotency import idempotency_key_field

REASON = "Why 变更原因 (kept in the audit trail)"


@strawberry.input(description="新建组织单位 Register an org unit (HQ's policy administrators).")
class CreateOrgUnitInput:
    code: str = strawberry.field(description="单位代码: 1-32 lower-case letters, digits or '-'; never changes.")
    kind: enums.UnitKind = strawberry.field(description="组织单位类型; a second HQ is refused.")
    name: str = strawberry.field(description="Name in English.")
    name_zh: str = strawberry.field(description="中文名称")
    provinces: list[str] = strawberry.field(
        default_factory=list,
        description="Sub-centres only, required: 管辖省份, at most 64, each a provincial-level division of China "
        "(Jiangsu, jiangsu, 江苏 or 江苏省; stored by its English name), not North China. A province another "
        "sub-centre had moves to this one, with its factories and their open tasks.",
    )
    countries: list[str] = strawberry.field(
        default_factory=list,
        description="Foreign agencies only, required: countries served (ISO 3166 alpha-2, not CN; at most 64). A "
        "country another agency served moves to this one.",
    )
    regions: list[str] = strawberry.field(
        default_factory=list,
        description="Labs only, required: codes of the sub-centres served 服务分中心 (at most 64).",
    )
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="修改组织单位 Change an org unit's names or lists. Omitted or null fields stay.")
class UpdateOrgUnitInput:
    unit_id: strawberry.ID = strawberry.field(description="The unit (OrgUnit id).")
    name: str | None = strawberry.field(default=None, description="Name in English.")
    name_zh: str | None = strawberry.field(default=None, description="中文名称")
    provinces: list[str] | None = strawberry.field(
        default=None,
        description="A sub-centre's whole new list of provinces 管辖省份 (as in createOrgUnit): those another "
        "sub-centre had move here; one removed while it still has factories is refused unless another sub-centre "
        "lists it. A list left out is not checked again (one emptied by another unit's take-over stays empty).",
    )
    countries: list[str] | None = strawberry.field(
        default=None, description="An agency's whole new list of countries (ISO 3166 alpha-2)."
    )
    regions: list[str] | None = strawberry.field(default=None, description="A lab's whole new list of sub-centres.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="新建产品类别 Register a product category (HQ's planners).")
class CreateProductCategoryInput:
    code: str = strawberry.field(description="Category code, e.g. C01.")
    name: str = strawberry.field(description="Name in English.")
    name_zh: str = strawberry.field(description="中文名称")
    implementation_rule: str = strawberry.field(description="实施规则 e.g. CNCA-C01-01:2014")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="修改产品类别 Change a product category. Omitted or null fields stay.")
class UpdateProductCategoryInput:
    category_id: strawberry.ID = strawberry.field(description="The category (ProductCategory id).")
    code: str | None = strawberry.field(default=None, description="A new, unused category code.")
    name: str | None = strawberry.field(default=None, description="Name in English.")
    name_zh: str | None = strawberry.field(default=None, description="中文名称")
    implementation_rule: str | None = strawberry.field(
        default=None,
        description="实施规则 for certificates issued from now on (issued ones keep theirs).",
    )
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="新建人员 Register a person (HQ's policy administrators).")
class CreateUserInput:
    login: str = strawberry.field(
        description="The identity provider's login: ASCII letters, digits and . _ @ + -; unique, case-insensitively."
    )
    display_name: str = strawberry.field(description="姓名 The name shown to others.")
    unit_code: str = strawberry.field(description="The unit the person belongs to.")
    email: str | None = strawberry.field(default=None, description="电子邮箱 (optional).")
    roles: list[enums.Role] = strawberry.field(
        default_factory=list,
        description="岗位 Roles in that unit, granted as assignRole grants them (needs role administration too); "
        "only roles the unit's kind holds.",
    )
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="修改人员信息 Change a person's name or e-mail address. Omitted fields stay.")
class UpdateUserInput:
    person_id: strawberry.ID = strawberry.field(description="The person (Person id).")
    display_name: str | None = strawberry.field(default=strawberry.UNSET, description="姓名")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="电子邮箱; null removes it.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="停用或恢复人员 Deactivate or reactivate a person.")
class PersonActionInput:
    person_id: strawberry.ID = strawberry.field(description="The person (Person id).")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()
