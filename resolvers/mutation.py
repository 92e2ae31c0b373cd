"""Root Mutation: each field is input -> one service command -> payload with userErrors."""

from __future__ import annotations

import strawberry

from domain.enums import FactoryClass, FactoryStatus
from domain.factory import FactoryCorrection
from resolvers.plumbing import factory_db_id, mutation, run
from schema import inputs, payloads, types
from services import factories, policy_admin


async def _factory_payload(info: strawberry.Info, factory, errors) -> payloads.FactoryPayload:
    presented = (await info.context.present.factories([factory]))[0] if factory else None
    return payloads.FactoryPayload(factory=presented, user_errors=errors)


def _given(value):
    return None if value is strawberry.UNSET else value


@strawberry.type
class Mutation:
    @mutation(description="Correct factory information 工厂信息维护 (§4.9); re-routes jurisdiction on a move.")
    async def correct_factory_information(
        self, info: strawberry.Info, input: inputs.CorrectFactoryInformationInput
    ) -> payloads.FactoryPayload:
        session = info.context.require_session
        fields_set = {
            name
            for name in ("name", "address", "country", "province", "status")
            if getattr(input, name) is not strawberry.UNSET
        }
        status = _given(input.status)
        correction = FactoryCorrection(
            name=_given(input.name),
            address=_given(input.address),
            country=_given(input.country),
            province=_given(input.province),
            status=FactoryStatus(status.value) if status else None,
            fields_set=frozenset(fields_set),
        )

        async def command():
            return await factories.correct_information(
                session,
                factory_id=factory_db_id(input.factory_id),
                expected_version=input.expected_version,
                correction=correction,
                reason=input.reason,
            )

        factory, errors = await run(command())
        return await _factory_payload(info, factory, errors)

    @mutation(description="Change a factory's class 调整企业分类 (A-D), with a reason.")
    async def change_factory_class(
        self, info: strawberry.Info, input: inputs.ChangeFactoryClassInput
    ) -> payloads.FactoryPayload:
        session = info.context.require_session

        async def command():
            return await factories.change_class(
                session,
                factory_id=factory_db_id(input.factory_id),
                expected_version=input.expected_version,
                new_class=FactoryClass(input.classification.value),
                reason=input.reason,
            )

        factory, errors = await run(command())
        return await _factory_payload(info, factory, errors)

    @mutation(description="Add a policy line 新增授权策略 (policy administrators); audited, effective at once.")
    async def add_policy_rule(self, info: strawberry.Info, input: inputs.PolicyRuleInput) -> payloads.PolicyRulePayload:
        ctx = info.context
        rule, errors = await run(
            policy_admin.add_rule(
                ctx.require_session, sync=ctx.sync, ptype=input.ptype, values=input.values, reason=input.reason
            )
        )
        return payloads.PolicyRulePayload(rule=types.PolicyRule.from_model(rule) if rule else None, user_errors=errors)

    @mutation(description="Remove a policy line 删除授权策略; audited, effective at once.")
    async def remove_policy_rule(
        self, info: strawberry.Info, input: inputs.PolicyRuleInput
    ) -> payloads.PolicyRulePayload:
        ctx = info.context
        rule, errors = await run(
            policy_admin.remove_rule(
                ctx.require_session, sync=ctx.sync, ptype=input.ptype, values=input.values, reason=input.reason
            )
        )
        return payloads.PolicyRulePayload(rule=types.PolicyRule.from_model(rule) if rule else None, user_errors=errors)

    @mutation(description="Give a person a role inside a unit 分配岗位; audited.")
    async def assign_role(
        self, info: strawberry.Info, input: inputs.RoleAssignmentInput
    ) -> payloads.RoleAssignmentPayload:
        ctx = info.context
        done, errors = await run(
            policy_admin.assign_role(
                ctx.require_session,
                sync=ctx.sync,
                login=input.login,
                role=input.role.value,
                unit_code=input.unit_code,
                reason=input.reason,
            )
        )
        held = types.HeldRole(role=input.role, unit_code=input.unit_code) if done else None
        return payloads.RoleAssignmentPayload(role=held, login=input.login if done else None, user_errors=errors)

    @mutation(description="Take a role away 撤销岗位; audited.")
    async def revoke_role(
        self, info: strawberry.Info, input: inputs.RoleAssignmentInput
    ) -> payloads.RoleAssignmentPayload:
        ctx = info.context
        _, errors = await run(
            policy_admin.revoke_role(
                ctx.require_session,
                sync=ctx.sync,
                login=input.login,
                role=input.role.value,
                unit_code=input.unit_code,
                reason=input.reason,
            )
        )
        held = types.HeldRole(role=input.role, unit_code=input.unit_code) if not errors else None
        return payloads.RoleAssignmentPayload(role=held, login=input.login if not errors else None, user_errors=errors)
