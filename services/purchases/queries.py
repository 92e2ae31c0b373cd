"""Reading purchase work: the list, and everything the buying-sample app needs offline for
a page of assignments, loaded in a fixed number of queries whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.context import Session
from services.purchases.access import visible
from store.models import (
    Document,
    Factory,
    OrgUnit,
    ProductCategory,
    Purchase,
    PurchaseAssignment,
    Sample,
    SamplingScheme,
    SurveillanceTask,
    TaskCertificate,
    User,
)


async def assignments(session: Session, flt: dict):
    return PurchaseAssignment.filter(await visible(session), **flt)


async def by_ids(session: Session, ids: list[int]) -> dict[int, PurchaseAssignment]:
    return {a.id: a for a in await PurchaseAssignment.filter(await visible(session), id__in=ids)}


def _group(rows, key) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


@dataclass
class WorkBundle:
    """The related rows of a page of assignments, keyed by id (lists keyed by parent id)."""

    tasks: dict[int, SurveillanceTask] = field(default_factory=dict)
    factories: dict[int, Factory] = field(default_factory=dict)
    certificates: dict[int, list] = field(default_factory=dict)  # task id -> certificates
    categories: dict[int, ProductCategory] = field(default_factory=dict)
    schemes: dict[int, list[SamplingScheme]] = field(default_factory=dict)  # category id -> schemes
    units: dict[int, OrgUnit] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    purchases: dict[int, list[Purchase]] = field(default_factory=dict)  # assignment id -> purchases
    documents: dict[int, list[Document]] = field(default_factory=dict)  # purchase id -> documents
    samples: dict[int, list[Sample]] = field(default_factory=dict)  # purchase id -> samples


async def bundle(rows: list[PurchaseAssignment]) -> WorkBundle:
    """Rows already passed the viewer's scope; what hangs off them is theirs to see."""
    b = WorkBundle()
    if not rows:
        return b
    b.tasks = {t.id: t for t in await SurveillanceTask.filter(id__in={r.task_id for r in rows})}
    tasks = list(b.tasks.values())
    b.factories = {f.id: f for f in await Factory.filter(id__in={t.factory_id for t in tasks})}
    links = await TaskCertificate.filter(task_id__in=list(b.tasks)).select_related("certificate").order_by("id")
    for link in links:
        b.certificates.setdefault(link.task_id, []).append(link.certificate)
    category_ids = {t.sample_category_id for t in tasks if t.sample_category_id}
    category_ids |= {c.product_category_id for certs in b.certificates.values() for c in certs}
    b.categories = {c.id: c for c in await ProductCategory.filter(id__in=category_ids)}
    b.schemes = _group(
        await SamplingScheme.filter(product_category_id__in=category_ids).order_by("id"), "product_category_id"
    )
    b.units = {u.id: u for u in await OrgUnit.filter(id__in={t.lab_id for t in tasks if t.lab_id})}
    purchases = await Purchase.filter(assignment_id__in=[r.id for r in rows]).order_by("id")
    b.purchases = _group(purchases, "assignment_id")
    purchase_ids = [p.id for p in purchases]
    b.documents = _group(await Document.filter(purchase_id__in=purchase_ids).order_by("id"), "purchase_id")
    b.samples = _group(await Sample.filter(purchase_id__in=purchase_ids).order_by("id"), "purchase_id")
    b.users = {u.id: u for u in await User.filter(id__in={r.buyer_id for r in rows} | {p.buyer_id for p in purchases})}
    return b
