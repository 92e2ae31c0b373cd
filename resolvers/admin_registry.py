"""Registry administration mutations for factories and certificates (issue 12)."""

from __future__ import annotations

import strawberry

from domain.enums import FactoryClass
from domain.errors import DomainError
from resolvers.plumbing import db_id, factory_db_id, mutation, run
from resolvers.result_mutation import CertificatePayload
from schema import admin_registry_inputs as inputs
from schema import payloads
from schema.admin_payloads import MergeFactoriesPayload
from schema.types import Certificate
from services.registry_admin import certificates, factories, merging


async def _factory_payload(info: strawberry.Info, command) -> payloads.FactoryPayload:
    factory, errors = await run(command)
    presented = (await info.context.present.factories([factory]))[0] if factory else None
    return payloads.FactoryPayload(factory=presented, user_errors=errors)


async def _certificate_payload(command) -> CertificatePayload:
    found, errors = await run(command)
    return CertificatePayload(certificate=Certificate.from_model(found) if found else None, user_errors=errors)


def _certificate_id(input) -> int:
    return db_id(input.certificate_id, "Certificate", "certificateId")


@strawberry.type
class AdminRegistryMutation:
    @mutation(
        description="新建工厂 Register a factory, routed to its unit and agency by the jurisdiction map. Audited."
    )
    async def create_factory(self, info: strawberry.Info, input: inputs.CreateFactoryInput) -> payloads.FactoryPayload:
        return await _factory_payload(
            info,
            factories.create_factory(
                info.context.require_session,
                code=input.code,
                name=input.name,
                address=input.address,
                country=input.country,
                province=input.province,
                classification=FactoryClass(input.classification.value),
                enterprise_unit_code=input.enterprise_unit_code,
                reason=input.reason,
            ),
        )

    @mutation(description="关闭工厂 Close a factory with no open task and no live certificate. Audited.")
    async def close_factory(self, info: strawberry.Info, input: inputs.FactoryActionInput) -> payloads.FactoryPayload:
        async def command():
            return await factories.close_factory(
                info.context.require_session,
                factory_id=factory_db_id(input.factory_id),
                expected_version=input.expected_version,
                reason=input.reason,
            )

        return await _factory_payload(info, command())

    @mutation(description="重新启用工厂 Reopen a closed factory. Audited.")
    async def reopen_factory(self, info: strawberry.Info, input: inputs.FactoryActionInput) -> payloads.FactoryPayload:
        async def command():
            return await factories.reopen_factory(
                info.context.require_session,
                factory_id=factory_db_id(input.factory_id),
                expected_version=input.expected_version,
                reason=input.reason,
            )

        return await _factory_payload(info, command())

    @mutation(
        description="合并重复工厂 Merge a duplicate factory into another: its certificates and tasks move. Audited."
    )
    async def merge_factories(self, info: strawberry.Info, input: inputs.MergeFactoriesInput) -> MergeFactoriesPayload:
        async def command():
            try:
                return await merging.merge_factories(
                    info.context.require_session,
                    duplicate_id=db_id(input.duplicate_id, "Factory", "duplicateId"),
                    survivor_id=db_id(input.survivor_id, "Factory", "survivorId"),
                    expected_version=input.expected_version,
                    reason=input.reason,
                )
            except DomainError as exc:  # the factory gate names the duplicate `factoryId`
                if exc.field[:1] != ("factoryId",):
                    raise
                raise exc.at(("duplicateId", *exc.field[1:])) from None

        done, errors = await run(command())
        if done is None:
            return MergeFactoriesPayload(duplicate=None, survivor=None, moved_certificates=0, moved_tasks=0,
                                         user_errors=errors)  # fmt: skip
        duplicate, survivor, moved_certificates, moved_tasks = done
        presented = await info.context.present.factories([duplicate, survivor])
        return MergeFactoriesPayload(
            duplicate=presented[0],
            survivor=presented[1],
            moved_certificates=moved_certificates,
            moved_tasks=moved_tasks,
            user_errors=[],
        )

    @mutation(description="发证 Issue a certificate to a factory. Audited, with its first status history entry.")
    async def issue_certificate(self, info: strawberry.Info, input: inputs.IssueCertificateInput) -> CertificatePayload:
        async def command():
            return await certificates.issue_certificate(
                info.context.require_session,
                factory_id=factory_db_id(input.factory_id),
                number=input.number,
                holder=input.holder,
                category_code=input.category_code,
                implementation_rule=input.implementation_rule,
                issued_on=input.issued_on,
                expires_on=input.expires_on,
                reason=input.reason,
            )

        return await _certificate_payload(command())

    @mutation(description="证书延续 Renew a valid or suspended certificate with a later expiresOn. Audited.")
    async def renew_certificate(self, info: strawberry.Info, input: inputs.RenewCertificateInput) -> CertificatePayload:
        async def command():
            return await certificates.renew_certificate(
                info.context.require_session,
                certificate_id=_certificate_id(input),
                expected_version=input.expected_version,
                expires_on=input.expires_on,
                reason=input.reason,
            )

        return await _certificate_payload(command())

    @mutation(description="证书转移 Move a certificate to the factory its production moved to. Audited.")
    async def transfer_certificate(
        self, info: strawberry.Info, input: inputs.TransferCertificateInput
    ) -> CertificatePayload:
        async def command():
            return await certificates.transfer_certificate(
                info.context.require_session,
                certificate_id=_certificate_id(input),
                expected_version=input.expected_version,
                factory_id=factory_db_id(input.factory_id),
                reason=input.reason,
            )

        return await _certificate_payload(command())

    @mutation(description="注销 Cancel a certificate; kept in its status history. Audited.")
    async def cancel_certificate(
        self, info: strawberry.Info, input: inputs.CancelCertificateInput
    ) -> CertificatePayload:
        async def command():
            return await certificates.cancel_certificate(
                info.context.require_session,
                certificate_id=_certificate_id(input),
                expected_version=input.expected_version,
                reason=input.reason,
            )

        return await _certificate_payload(command())
