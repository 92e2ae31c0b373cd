"""Tortoise models; the single app label is "models" (see store.config)."""

from store.models.archive import PersonDayEntry, ProblemMessage, ProblemReport
from store.models.audit import AuditEntry
from store.models.checklists import ChecklistEvidence, ChecklistItem
from store.models.corrective import CorrectiveAction, CorrectiveActionEvidence
from store.models.documents import Document
from store.models.forms import FormSignoff
from store.models.notices import (
    NoticeDelivery,
    NoticePreference,
    NoticeRoute,
    Notification,
    OutboxEvent,
    WebhookEndpoint,
)
from store.models.org import OrgUnit, PolicyRevision, PolicyRule, RoleAssignment, User
from store.models.purchases import IdempotencyRecord, Purchase, PurchaseAssignment
from store.models.reference import FrequencyRuleRow, SamplingScheme, SurveillanceClause
from store.models.registry import Certificate, CertificateStatusChange, Factory, ProductCategory
from store.models.reminders import ReminderSent
from store.models.results import (
    Decision,
    Dispute,
    InspectionResult,
    NonConformity,
    Review,
    RiskAssessment,
    SpotCheck,
)
from store.models.samples import LabReport, Sample
from store.models.tasks import (
    LabRequest,
    SurveillanceTask,
    TaskCertificate,
    TaskException,
    TaskNumberCounter,
    TaskScopeCount,
    TeamAssignment,
)

__all__ = [
    "AuditEntry",
    "Certificate",
    "CertificateStatusChange",
    "ChecklistEvidence",
    "ChecklistItem",
    "CorrectiveAction",
    "CorrectiveActionEvidence",
    "Decision",
    "Dispute",
    "Document",
    "Factory",
    "FormSignoff",
    "FrequencyRuleRow",
    "IdempotencyRecord",
    "InspectionResult",
    "LabReport",
    "LabRequest",
    "NonConformity",
    "NoticeDelivery",
    "NoticePreference",
    "NoticeRoute",
    "Notification",
    "OrgUnit",
    "OutboxEvent",
    "PersonDayEntry",
    "PolicyRevision",
    "PolicyRule",
    "ProblemMessage",
    "ProblemReport",
    "ProductCategory",
    "Purchase",
    "PurchaseAssignment",
    "ReminderSent",
    "Review",
    "RiskAssessment",
    "RoleAssignment",
    "Sample",
    "SamplingScheme",
    "SpotCheck",
    "SurveillanceClause",
    "SurveillanceTask",
    "TaskCertificate",
    "TaskException",
    "TaskNumberCounter",
    "TaskScopeCount",
    "TeamAssignment",
    "User",
    "WebhookEndpoint",
]
