"""Tortoise models; the single app label is "models" (see store.config)."""

from store.models.audit import AuditEntry
from store.models.org import OrgUnit, PolicyRevision, PolicyRule, RoleAssignment, User
from store.models.registry import Certificate, CertificateStatusChange, Factory, ProductCategory

__all__ = [
    "AuditEntry",
    "Certificate",
    "CertificateStatusChange",
    "Factory",
    "OrgUnit",
    "PolicyRevision",
    "PolicyRule",
    "ProductCategory",
    "RoleAssignment",
    "User",
]
