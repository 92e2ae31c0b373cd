"""Enumerations of the domain. Values are stable identifiers stored in the database."""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    HQ = "HQ"  # 工厂检查部 (总部)
    SUBCENTER = "SUBCENTER"  # 分中心
    FOREIGN_AGENCY = "FOREIGN_AGENCY"  # 境外委托机构
    LAB = "LAB"  # 检测机构
    ENTERPRISE = "ENTERPRISE"  # 生产企业


class FactoryClass(StrEnum):
    """分类企业管理: A is the best class, D the worst."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class FactoryStatus(StrEnum):
    ACTIVE = "ACTIVE"  # 正常生产
    PRODUCTION_STOPPED = "PRODUCTION_STOPPED"  # 停产
    RELOCATED = "RELOCATED"  # 已搬迁
    CLOSED = "CLOSED"  # 关闭
    MERGED = "MERGED"  # 已合并: a duplicate record merged into another factory (Factory.merged_into)


class CertificateStatus(StrEnum):
    VALID = "VALID"  # 有效
    SUSPENDED = "SUSPENDED"  # 暂停
    REVOKED = "REVOKED"  # 撤销
    CANCELLED = "CANCELLED"  # 注销
    EXPIRED = "EXPIRED"  # 过期: past its validity (有效期满) without renewal; set by the expiry sweep


class Role(StrEnum):
    """Roles a person holds inside an org unit (docs/domain.md §3)."""

    POLICY_ADMIN = "policy_admin"
    PLANNER = "planner"
    INSPECTOR = "inspector"
    REVIEWER = "reviewer"
    DECIDER = "decider"
    ARCHIVIST = "archivist"
    AUDITOR = "auditor"
    MARKET_BUYER = "market_buyer"
    AGENCY_INSPECTOR = "agency_inspector"
    LAB_TESTER = "lab_tester"
    ENTERPRISE = "enterprise"
