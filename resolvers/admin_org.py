"""Registry administration mutations for org units, product categories and people (issue 12)."""

from __future__ import annotations

import strawberry

from domain.enums import Role, UnitKind
from resolvers.plumbing import db_id, mutation, run
from schema import admin_inputs as inputs
from schema.admin_payloads import OrgUnitPayload, PersonPayload, ProductCategoryPayload
from schema.types import OrgUnit, ProductCategory
from services.registry_admin import categories, units, users


async def _unit_payload(command) -> OrgUnitPayload:
    unit, errors = await run(command)
    return OrgUnitPayload(unit=OrgUnit.from_model(unit) if unit else None, user_errors=errors)


async def _category_payload(command) -> ProductCategoryPayload:
    category, errors = await run(command)
    return ProductCategoryPayload(
        category=ProductCategory.from_model(category) if category else None, user_errors=errors
    )


async def _person_payload(info: strawberry.Info, command) -> PersonPayload:
    user, errors = await run(command)
    person = (await info.context.present.people([user]))[0] if user else None
    return PersonPayload(person=person, user_errors=errors)


def _person_id(input) -> int:
    return db_id(input.person_id, "Person", "personId")


@strawberry.type
class AdminOrgMutation:
    @mutation(description="新建组织单位 Register an org unit; HQ oversees a new sub-centre, agency or lab. Audited.")
    async def create_org_unit(self, info: strawberry.Info, input: inputs.CreateOrgUnitInput) -> OrgUnitPayload:
        ctx = info.context
        return await _unit_payload(
            units.create_org_unit(
                ctx.require_session,
                sync=ctx.sync,
                code=input.code,
                kind=UnitKind(input.kind.value),
                name=input.name,
                name_zh=input.name_zh,
                provinces=input.provinces,
                countries=input.countries,
                regions=input.regions,
                reason=input.reason,
            )
        )

    @mutation(description="修改组织单位 Change an org unit; factories follow a jurisdiction change. Audited.")
    async def update_org_unit(self, info: strawberry.Info, input: inputs.UpdateOrgUnitInput) -> OrgUnitPayload:
        async def command():
            return await units.update_org_unit(
                info.context.require_session,
                unit_id=db_id(input.unit_id, "OrgUnit", "unitId"),
                name=input.name,
                name_zh=input.name_zh,
                provinces=input.provinces,
                countries=input.countries,
                regions=input.regions,
                reason=input.reason,
            )

        return await _unit_payload(command())

    @mutation(description="新建产品类别 Register a product category and its implementation rule. Audited.")
    async def create_product_category(
        self, info: strawberry.Info, input: inputs.CreateProductCategoryInput
    ) -> ProductCategoryPayload:
        return await _category_payload(
            categories.create_product_category(
                info.context.require_session,
                code=input.code,
                name=input.name,
                name_zh=input.name_zh,
                implementation_rule=input.implementation_rule,
                reason=input.reason,
            )
        )

    @mutation(description="修改产品类别 Change a product category. Audited.")
    async def update_product_category(
        self, info: strawberry.Info, input: inputs.UpdateProductCategoryInput
    ) -> ProductCategoryPayload:
        async def command():
            return await categories.update_product_category(
                info.context.require_session,
                category_id=db_id(input.category_id, "ProductCategory", "categoryId"),
                code=input.code,
                name=input.name,
                name_zh=input.name_zh,
                implementation_rule=input.implementation_rule,
                reason=input.reason,
            )

        return await _category_payload(command())

    @mutation(description="新建人员 Register a person, optionally with roles in their unit. Audited.")
    async def create_user(self, info: strawberry.Info, input: inputs.CreateUserInput) -> PersonPayload:
        ctx = info.context
        return await _person_payload(
            info,
            users.create_user(
                ctx.require_session,
                sync=ctx.sync,
                login=input.login,
                display_name=input.display_name,
                unit_code=input.unit_code,
                email=input.email,
                roles=[Role(r.value) for r in input.roles],
                reason=input.reason,
            ),
        )

    @mutation(description="修改人员信息 Change a person's name or e-mail address. Audited.")
    async def update_user(self, info: strawberry.Info, input: inputs.UpdateUserInput) -> PersonPayload:
        async def command():
            return await users.update_user(
                info.context.require_session,
                user_id=_person_id(input),
                display_name=None if input.display_name is strawberry.UNSET else input.display_name,
                email=None if input.email is strawberry.UNSET else input.email,
                email_set=input.email is not strawberry.UNSET,
                reason=input.reason,
            )

        return await _person_payload(info, command())

    @mutation(description="停用人员 Deactivate a person: no sign-in, an earlier token stops at once. Audited.")
    async def deactivate_user(self, info: strawberry.Info, input: inputs.PersonActionInput) -> PersonPayload:
        async def command():
            ctx = info.context
            return await users.deactivate_user(
                ctx.require_session, sync=ctx.sync, user_id=_person_id(input), reason=input.reason
            )

        return await _person_payload(info, command())

    @mutation(description="恢复人员 Reactivate a deactivated person. Audited.")
    async def reactivate_user(self, info: strawberry.Info, input: inputs.PersonActionInput) -> PersonPayload:
        async def command():
            ctx = info.context
            return await users.reactivate_user(
                ctx.require_session, sync=ctx.sync, user_id=_person_id(input), reason=input.reason
            )

        return await _person_payload(info, command())
