"""GraphQL enums built from the domain enums, with the Chinese terms in descriptions."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain import enums as d
from domain.errors import ErrorCode


def _mirror(domain_enum: type[Enum], name: str, description: str, values: dict[str, str]):
    """A GraphQL enum with the same values as a domain enum, each value described."""
    missing = {m.name for m in domain_enum} - values.keys()
    assert not missing, f"{name}: describe {missing}"
    members = {m.name: strawberry.enum_value(m.value, description=values[m.name]) for m in domain_enum}
    return strawberry.enum(Enum(name, members), description=description)  # type: ignore[misc]


UnitKind = _mirror(
    d.UnitKind,
    "UnitKind",
    "Kind of organisational unit 组织单位类型",
    {
        "HQ": "工厂检查部 Factory Inspection Department (headquarters)",
        "SUBCENTER": "分中心 Sub-centre",
        "FOREIGN_AGENCY": "境外委托机构 Foreign (overseas) agency",
        "LAB": "检测机构 Test laboratory",
        "ENTERPRISE": "生产企业 Enterprise",
    },
)

FactoryClass = _mirror(
    d.FactoryClass,
    "FactoryClass",
    "分类企业管理 Enterprise class; A is best",
    {
        "A": "A 类",
        "B": "B 类",
        "C": "C 类",
        "D": "D 类",
    },
)

FactoryStatus = _mirror(
    d.FactoryStatus,
    "FactoryStatus",
    "工厂状态 Factory status",
    {
        "ACTIVE": "正常生产 Producing",
        "PRODUCTION_STOPPED": "停产 Production stopped",
        "RELOCATED": "已搬迁 Relocated",
        "CLOSED": "关闭 Closed",
        "MERGED": "已合并 Merged: a duplicate record merged into another factory (mergedInto); kept as history",
    },
)

CertificateStatus = _mirror(
    d.CertificateStatus,
    "CertificateStatus",
    "证书状态 Certificate status",
    {
        "VALID": "有效 Valid",
        "SUSPENDED": "暂停 Suspended",
        "REVOKED": "撤销 Revoked",
        "CANCELLED": "注销 Cancelled",
        "EXPIRED": "过期 Expired: past expiresOn (有效期满) without renewal; no longer valid, to be cancelled (注销)",
    },
)

Role = _mirror(
    d.Role,
    "Role",
    "Role held inside an org unit 岗位角色",
    {
        "POLICY_ADMIN": "策略管理员 Policy administrator",
        "PLANNER": "计划员 Planner",
        "INSPECTOR": "检查员 Inspector / team leader",
        "REVIEWER": "复核人 Reviewer",
        "DECIDER": "认证决定人 Decision maker",
        "ARCHIVIST": "归档员 Archivist",
        "AUDITOR": "审计员 Auditor (read-only)",
        "MARKET_BUYER": "买样员 Market buyer",
        "AGENCY_INSPECTOR": "境外机构检查员 Agency inspector",
        "LAB_TESTER": "检测员 Lab tester",
        "ENTERPRISE": "企业用户 Enterprise user",
    },
)

UserErrorCode = _mirror(
    ErrorCode,
    "UserErrorCode",
    "Why an input was refused 输入错误类型",
    {
        "INVALID": "无效 Not a valid value",
        "REQUIRED": "必填 Missing",
        "TOO_LONG": "过长 Too long",
        "NOT_FOUND": "不存在 No such object, or not visible to you",
        "STALE_VERSION": "版本过期 Changed meanwhile: reload and retry",
        "NO_CHANGE": "无变化 Nothing would change",
        "CONFLICT": "冲突 Conflicts with the current state",
        "TRANSITION_NOT_ALLOWED": "不允许的状态转换 Status move not allowed",
        "JURISDICTION": "管辖 No unit is responsible for that location",
    },
)


@strawberry.enum(description="语言 The language a person reads user errors and notices in.")
class Language(Enum):
    ZH = strawberry.enum_value("zh", description="中文 Chinese")
    EN = strawberry.enum_value("en", description="英文 English")
