"""Inputs of registry administration (issue 12): factories and certificates (HQ's planners)."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema import enums
from schema.admin_inputs import REASON
from schema.idempotency import idempotency_key_field


@strawberry.input(description="新建工厂 Register a factory; it is routed to its unit by the jurisdiction map.")
class CreateFactoryInput:
    code: str = strawberry.field(
        description="工厂编号, without spaces; unique regardless of case and width (Ｅ001 is E001, e001 its duplicate)."
    )
    name: str = strawberry.field(description="工厂名称")
    address: str = strawberry.field(description="地址")
    country: str = strawberry.field(description="ISO 3166 alpha-2; CN for China")
    province: str | None = strawberry.field(
        default=None,
        description="省份: required in China, a provincial-level division some unit's jurisdiction lists (Jiangsu, "
        "jiangsu, 江苏 or 江苏省; stored by its English name); free text abroad.",
    )
    classification: enums.FactoryClass = strawberry.field(description="分类 Class A-D.")
    enterprise_unit_code: str | None = strawberry.field(
        default=None, description="The enterprise unit (生产企业) that runs it, if registered."
    )
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="关闭或重新启用工厂 Close a factory, or reopen a closed one.")
class FactoryActionInput:
    factory_id: strawberry.ID = strawberry.field(description="The factory.")
    expected_version: int = strawberry.field(description="The factory's version as you read it.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="合并重复工厂 Merge a duplicate factory record into the one that stays.")
class MergeFactoriesInput:
    duplicate_id: strawberry.ID = strawberry.field(
        description="The duplicate: its certificates and tasks move; it is kept as MERGED history."
    )
    survivor_id: strawberry.ID = strawberry.field(description="The factory that stays, in the same jurisdiction.")
    expected_version: int = strawberry.field(description="The duplicate's version as you read it.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="发证 Issue a certificate to a factory in the registry.")
class IssueCertificateInput:
    factory_id: strawberry.ID = strawberry.field(description="The certified factory.")
    number: str = strawberry.field(
        description="证书编号, without spaces; unique regardless of case and width (ＡＢ－１ is AB-1, ab-1 its "
        "duplicate)."
    )
    holder: str = strawberry.field(description="持证人")
    category_code: str = strawberry.field(description="产品类别 code.")
    implementation_rule: str | None = strawberry.field(
        default=None, description="实施规则; the category's rule when omitted."
    )
    issued_on: dt.date = strawberry.field(description="发证日期, not in the future, not before 1950.")
    expires_on: dt.date = strawberry.field(description="有效期至: after issuedOn, at most 5 years later.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="证书延续 Renew a valid or suspended certificate: a later expiresOn.")
class RenewCertificateInput:
    certificate_id: strawberry.ID = strawberry.field(description="The certificate.")
    expected_version: int = strawberry.field(description="The certificate's version as you read it.")
    expires_on: dt.date = strawberry.field(description="新有效期至: later than now, at most 5 years from today.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="证书转移 Move a certificate to another factory, where its production went.")
class TransferCertificateInput:
    certificate_id: strawberry.ID = strawberry.field(description="The certificate.")
    expected_version: int = strawberry.field(description="The certificate's version as you read it.")
    factory_id: strawberry.ID = strawberry.field(description="The factory it moves to.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="注销 Cancel a certificate (also an expired one).")
class CancelCertificateInput:
    certificate_id: strawberry.ID = strawberry.field(description="The certificate.")
    expected_version: int = strawberry.field(description="The certificate's version as you read it.")
    reason: str = strawberry.field(description=REASON)
    idempotency_key: str | None = idempotency_key_field()
