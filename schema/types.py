"""Object types. Field resolvers here are one-liners over `info.context` (loaders and the
viewer's permissions); the use cases behind them live in services/."""

from __future__ import annotations

import datetime as dt

import strawberry

from domain.certificate import effective_status
from domain.decisions import suspension_expired
from domain.enums import CertificateStatus
from schema import enums
from schema.audit_types import AUDIT_TYPE, NODE_TYPE, AuditEntry, PolicyRule  # noqa: F401 (their users import them here)
from schema.relay import Connection, Node, slice_connection, to_global_id
from schema.result_enums import SpotCheckLevel
from schema.result_types import SpotCheck
from schema.sql_fields import CertificatesOfFactory, Column, EffectiveCertificateStatus, ToOne, VisibleFactoryClass, sql


@strawberry.type(description="Organisational unit 组织单位: HQ, sub-centre, foreign agency, lab or enterprise.")
class OrgUnit(Node):
    code: str = strawberry.field(description="Unit code (east, hq, east-lab-2, ...).", metadata=sql(Column("code")))
    name: str = strawberry.field(description="Name.", metadata=sql(Column("name")))
    name_zh: str = strawberry.field(description="中文名称", metadata=sql(Column("name_zh")))
    kind: enums.UnitKind = strawberry.field(description="组织单位类型 Kind of unit.", metadata=sql(Column("kind")))
    provinces: list[str] = strawberry.field(description="Sub-centre jurisdiction 管辖省份")
    countries: list[str] = strawberry.field(description="Foreign agency: countries served (ISO 3166)")
    regions: list[str] = strawberry.field(description="Lab: sub-centre regions it serves 服务区域")

    @classmethod
    def from_model(cls, m) -> OrgUnit:
        return cls(
            id=to_global_id("OrgUnit", m.id),
            code=m.code,
            name=m.name,
            name_zh=m.name_zh,
            kind=enums.UnitKind(m.kind),
            provinces=m.provinces,
            countries=m.countries,
            regions=m.regions,
        )


@strawberry.type(description="Product category 产品类别 and its implementation rule 实施规则.")
class ProductCategory(Node):
    code: str = strawberry.field(description="Category code (C01, ...).")
    name: str = strawberry.field(description="English name.")
    name_zh: str = strawberry.field(description="中文名称 Chinese name.")
    implementation_rule: str = strawberry.field(description="实施规则 e.g. CNCA-C01-01:2014")

    @classmethod
    def from_model(cls, m) -> ProductCategory:
        return cls(
            id=to_global_id("ProductCategory", m.id),
            code=m.code,
            name=m.name,
            name_zh=m.name_zh,
            implementation_rule=m.implementation_rule,
        )


@strawberry.type(description="Factory 工厂 under surveillance.")
class Factory(Node):
    code: str = strawberry.field(description="工厂编号", metadata=sql(Column("code")))
    name: str = strawberry.field(description="工厂名称 Name.", metadata=sql(Column("name")))
    address: str = strawberry.field(description="工厂地址 Address.", metadata=sql(Column("address")))
    country: str = strawberry.field(description="ISO 3166 alpha-2; CN for China", metadata=sql(Column("country")))
    province: str | None = strawberry.field(description="省份 (factories in China)", metadata=sql(Column("province")))
    status: enums.FactoryStatus = strawberry.field(description="工厂状态 Status.", metadata=sql(Column("status")))
    version: int = strawberry.field(
        description="Send as expectedVersion when changing it.", metadata=sql(Column("version"))
    )
    classification: enums.FactoryClass | None = strawberry.field(
        description="分类 Class A-D. Null when your role may not see it (e.g. foreign agencies).",
        metadata=sql(VisibleFactoryClass("classification")),
    )
    responsible_unit: OrgUnit = strawberry.field(
        description="负责单位 The unit responsible by jurisdiction.",
        metadata=sql(ToOne("responsible_unit_id", "org_unit")),
    )
    _model: strawberry.Private[object]

    @strawberry.field(
        description="证书 Certificates of this factory you may see.",
        metadata=sql(CertificatesOfFactory(default_first=20)),
    )
    async def certificates(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[Certificate]:
        info.context.check_page_size(first, None)
        items = await info.context.loaders.certificates_by_factory.load(self._model.id)
        return slice_connection(items, Certificate.from_model, first, after)

    @strawberry.field(
        description="已合并至 The factory this duplicate was merged into (status MERGED); null otherwise, or if you "
        "may not see it."
    )
    async def merged_into(self, info: strawberry.Info) -> Factory | None:
        if self._model.merged_into_id is None:
            return None
        f = await info.context.loaders.factory.load(self._model.merged_into_id)
        return (await info.context.present.factories([f]))[0] if f else None

    @classmethod
    def from_model(cls, m, *, class_visible: bool, unit) -> Factory:
        """`class_visible` and the responsible `unit` are looked up for a whole page at once
        (resolvers/presenters.py, Presenters.factories), so these fields cost no await per row."""
        return cls(
            id=to_global_id("Factory", m.id),
            code=m.code,
            name=m.name,
            address=m.address,
            country=m.country,
            province=m.province,
            status=enums.FactoryStatus(m.status),
            version=m.version,
            classification=enums.FactoryClass(m.classification) if class_visible else None,
            responsible_unit=OrgUnit.from_model(unit),
            _model=m,
        )


@strawberry.type(description="One move of a certificate's status 证书状态变更, with its reason.")
class CertificateStatusChange:
    from_status: enums.CertificateStatus | None = strawberry.field(description="Status before; null for the issue.")
    to_status: enums.CertificateStatus = strawberry.field(description="Status after.")
    reason: str = strawberry.field(description="Why the status changed.")
    actor: str = strawberry.field(description="Login of who changed it, or 'system'.")
    at: dt.datetime = strawberry.field(description="When it changed.")

    @classmethod
    def from_model(cls, m) -> CertificateStatusChange:
        return cls(
            from_status=enums.CertificateStatus(m.from_status) if m.from_status else None,
            to_status=enums.CertificateStatus(m.to_status),
            reason=m.reason,
            actor=m.actor,
            at=m.at,
        )


@strawberry.type(description="CCC certificate 证书.")
class Certificate(Node):
    number: str = strawberry.field(description="证书编号", metadata=sql(Column("number")))
    holder: str = strawberry.field(description="持证人", metadata=sql(Column("holder")))

    @strawberry.field(
        description="证书状态 EXPIRED as soon as expiresOn has passed (a valid or suspended certificate)",
        metadata=sql(EffectiveCertificateStatus("status", "expires_on")),
    )
    def status(self, info: strawberry.Info) -> enums.CertificateStatus:
        today = info.context.today()
        return enums.CertificateStatus(effective_status(CertificateStatus(self._model.status), self.expires_on, today))

    issued_on: dt.date = strawberry.field(description="发证日期", metadata=sql(Column("issued_on")))
    expires_on: dt.date = strawberry.field(description="有效期至", metadata=sql(Column("expires_on")))
    suspended_until: dt.date | None = strawberry.field(
        description="暂停期至 End of the current suspension period", metadata=sql(Column("suspended_until"))
    )
    suspension_ground: str | None = strawberry.field(
        description="暂停依据 Ground of the current suspension", metadata=sql(Column("suspension_ground"))
    )
    version: int = strawberry.field(metadata=sql(Column("version")))
    _model: strawberry.Private[object]

    @strawberry.field(description="暂停期满未恢复 Suspension over without restoration: flagged for revocation")
    def suspension_expired(self, info: strawberry.Info) -> bool:
        today = info.context.today()
        status = effective_status(CertificateStatus(self._model.status), self.expires_on, today)
        return suspension_expired(status, self.suspended_until, today)

    @strawberry.field(description="监督抽查 National and provincial spot checks, oldest first")
    async def spot_checks(self, info: strawberry.Info) -> list[SpotCheck]:
        rows = await info.context.loaders.certificate_spot_checks.load(self._model.id)
        return [
            SpotCheck(level=SpotCheckLevel(r.level), checked_on=r.checked_on, passed=r.passed, reference=r.reference,
                      notes=r.notes)
            for r in rows
        ]  # fmt: skip

    @strawberry.field(description="The certified factory; null if you may not see it.")
    async def factory(self, info: strawberry.Info) -> Factory | None:
        f = await info.context.loaders.factory.load(self._model.factory_id)
        return (await info.context.present.factories([f]))[0] if f else None

    @strawberry.field(description="产品类别 The certified product's category.")
    async def product_category(self, info: strawberry.Info) -> ProductCategory:
        return ProductCategory.from_model(
            await info.context.loaders.product_category.load(self._model.product_category_id)
        )

    @strawberry.field(description="实施规则 The implementation rule it was issued under (else its category's).")
    async def implementation_rule(self, info: strawberry.Info) -> str:
        if self._model.implementation_rule:
            return self._model.implementation_rule
        category = await info.context.loaders.product_category.load(self._model.product_category_id)
        return category.implementation_rule

    @strawberry.field(
        description="公开查询页 The certificate's public status page (no sign-in; `?on=YYYY-MM-DD` for a past day; "
        "`/qr.svg` or `/qr.png` appended gives its QR code for printing), under PUBLIC_BASE_URL. Null when the "
        "number is not letters, digits and hyphens (such a certificate has no public page)."
    )
    def public_status_url(self, info: strawberry.Info) -> str | None:
        return info.context.public_status_url(self.number)

    @strawberry.field(description="状态历史 Status history, oldest first.")
    async def status_history(self, info: strawberry.Info) -> list[CertificateStatusChange]:
        rows = await info.context.loaders.status_history.load(self._model.id)
        return [CertificateStatusChange.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, m) -> Certificate:
        return cls(
            id=to_global_id("Certificate", m.id),
            number=m.number,
            holder=m.holder,
            issued_on=m.issued_on,
            expires_on=m.expires_on,
            suspended_until=getattr(m, "suspended_until", None),
            suspension_ground=getattr(m, "suspension_ground", None),
            version=m.version,
            _model=m,
        )


@strawberry.type(description="A role held inside a unit 岗位.")
class HeldRole:
    role: enums.Role = strawberry.field(description="岗位 The role.")
    unit_code: str = strawberry.field(description="Code of the unit it is held in.")


@strawberry.type(description="A person 人员: staff of a unit, for choosing inspectors, team leaders and buyers.")
class Person(Node):
    login: str = strawberry.field(description="The login (the identity provider's login claim).")
    display_name: str = strawberry.field(description="姓名 The name shown to others.")
    active: bool = strawberry.field(description="False once deactivated: such a person cannot sign in.")
    unit: OrgUnit = strawberry.field(description="The unit the person belongs to.")
    roles: list[HeldRole] = strawberry.field(
        description="岗位 Roles held, by unit: only those in units whose people you may read."
    )
    email: str | None = strawberry.field(
        default=None, description="电子邮箱: null unless you may read the people of the person's unit."
    )


@strawberry.type(description="The signed-in person 当前用户.")
class Viewer:
    login: str = strawberry.field(description="Your login.")
    display_name: str = strawberry.field(description="Your name.")
    unit: OrgUnit = strawberry.field(description="Your unit.")
    roles: list[HeldRole] = strawberry.field(description="岗位 Your roles and where you hold them.")
    language: enums.Language | None = strawberry.field(
        default=None, description="语言偏好 Your chosen language; null: your browser's Accept-Language decides."
    )
    effective_language: enums.Language = strawberry.field(
        default=enums.Language.ZH,
        description="This request's language: your choice, else Accept-Language, else Chinese (中文).",
    )


@strawberry.type(description="Answer to 'may I do ACTION on this object, and by which rule'.")
class AuthorizationDecision:
    allowed: bool = strawberry.field(description="Whether the action is allowed.")
    action: str = strawberry.field(description="The action asked about.")
    object_kind: str = strawberry.field(description="The kind of object it applies to (task, factory, ...).")
    rule: list[str] | None = strawberry.field(description="The policy line that allows it, if any.")
    domain: str | None = strawberry.field(description="The resource domain it was allowed in.")


@strawberry.type(description="A refused input: which field, why, and a code to branch on.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path to the input field, if one is at fault.")
    code: enums.UserErrorCode = strawberry.field(description="A stable code to branch on.")
    error: strawberry.Private[object]  # the DomainError, rendered when `message` is asked

    @strawberry.field(description="Why, in your language (Viewer.effectiveLanguage); match on `code`, not on this.")
    def message(self, info: strawberry.Info) -> str:
        return info.context.error_message(self.error)
