"""The domain words that appear inside error messages (`domain.errors.Term`): which exist,
and their English spelling. Their other languages are in `locales/<language>/terms.po`,
msgid the term's key (`TaskStatus.ISSUED`); English is the code's own spelling (identity)."""

from __future__ import annotations

from enum import Enum

from domain.custody import CustodySide, SampleStatus
from domain.decisions import DecisionOutcome
from domain.disputes import DisputeStatus
from domain.enums import CertificateStatus, FactoryStatus, UnitKind
from domain.errors import ErrorCode, Term, noun, term
from domain.purchases import AssignmentStatus
from domain.tasks import TaskStatus

# Every enum whose members are passed as `term(member)` to a message.
TERM_ENUMS: tuple[type[Enum], ...] = (
    AssignmentStatus,
    CertificateStatus,
    CustodySide,
    DecisionOutcome,
    DisputeStatus,
    ErrorCode,
    FactoryStatus,
    SampleStatus,
    TaskStatus,
    UnitKind,
)


# Kinds of objects named in messages (`noun(...)`): the gates' nouns and policy kinds, the
# versioned rows, the global id types (lower case).
NOUNS = (
    "assignment", "audit", "audit entry", "certificate", "checklist item", "checklistitem", "decision", "dispute",
    "document", "factory", "lab request", "labrequest", "monitoring", "non-conformity", "nonconformity", "object",
    "org_unit", "orgunit", "person", "policy", "policy rule", "problem", "problem report", "problemreport",
    "product category", "product_category", "productcategory", "purchase", "purchase assignment",
    "purchaseassignment", "reference", "role_assignment", "sample", "task", "unit", "user",
)  # fmt: skip


def fixed_terms() -> list[Term]:
    """Terms built from a table rather than an enum's value."""
    from services.forms.generated import WHEN

    return [Term(f"Form.{form.value}.when", text) for form, text in WHEN.items()] + [noun(n) for n in NOUNS]


def all_terms() -> dict[str, str]:
    """key → English, for every term a message may carry."""
    found = {t.key: t.english for enum in TERM_ENUMS for t in map(term, enum)}
    found.update({t.key: t.english for t in fixed_terms()})
    return dict(sorted(found.items()))
