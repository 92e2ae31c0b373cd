"""Tortoise models; the single app label is "models" (see store.config)."""

from store.models.audit import AuditEntry
from store.models.documents import Document
from store.models.org import OrgUnit, PolicyRevision, PolicyRule, RoleAssignment, User
from store.models.purchases import IdempotencyRecord, Purchase, PurchaseAssignment
from store.models.reference import FrequencyRuleRow, SamplingScheme, SurveillanceClause
from store.models.registry import Certificate, CertificateStatusChange, Factory, ProductCategory
from store.models.samples import LabReport, Sample
from store.models.tasks import LabRequest, SurveillanceTask, TaskCertificate, TaskException, TeamAssignment

__all__ = [
    "AuditEntry",
    "Certificate",
    "CertificateStatusChange",
    "Document",
    "Factory",
    "FrequencyRuleRow",
    "IdempotencyRecord",
    "LabReport",
    "LabRequest",
    "OrgUnit",
    "PolicyRevision",
    "PolicyRule",
    "ProductCategory",
    "Purchase",
    "PurchaseAssignment",
    "RoleAssignment",
    "Sample",
    "SamplingScheme",
    "SurveillanceClause",
    "SurveillanceTask",
    "TaskCertificate",
    "TaskException",
    "TeamAssignment",
    "User",
]
