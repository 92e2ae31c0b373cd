"""Turning purchase rows (and their bundle of related rows) into GraphQL objects."""

from __future__ import annotations

from decimal import Decimal

from schema import purchase_types as pt
from schema.reference_types import SamplingScheme
from schema.relay import to_global_id
from schema.sample_types import SampleStatus
from schema.types import OrgUnit, ProductCategory
from services.purchases.queries import WorkBundle


def assignments(rows, b: WorkBundle) -> list[pt.PurchaseAssignment]:
    return [_assignment(r, b) for r in rows]


def _assignment(a, b: WorkBundle) -> pt.PurchaseAssignment:
    task = b.tasks[a.task_id]
    factory = b.factories[task.factory_id]
    category = b.categories.get(task.sample_category_id) if task.sample_category_id else None
    certs = [
        pt.PurchaseCertificate(
            number=c.number, holder=c.holder, product_category=_category(b.categories[c.product_category_id])
        )
        for c in b.certificates.get(task.id, [])
    ]
    schemes = b.schemes.get(category.id, []) if category else []
    return pt.PurchaseAssignment(
        id=to_global_id("PurchaseAssignment", a.id),
        status=pt.AssignmentStatus(a.status),
        version=a.version,
        buyer=b.users[a.buyer_id].login,
        assigned_at=a.assigned_at,
        instructions=a.instructions,
        closed_at=a.closed_at,
        close_reason=a.close_reason,
        task_id=to_global_id("Task", task.id),
        planned_start=task.planned_start,
        planned_end=task.planned_end,
        due_on=task.due_on,
        quantity=task.sample_quantity,
        product_category=_category(category) if category else None,
        sampling_schemes=[SamplingScheme.from_model(s, category.code) for s in schemes],
        target=pt.PurchaseTarget(factory_code=factory.code, manufacturer=factory.name, certificates=certs),
        lab=OrgUnit.from_model(b.units[task.lab_id]) if task.lab_id else None,
        purchases=[purchase(p, b) for p in b.purchases.get(a.id, [])],
    )


def purchase(p, b: WorkBundle) -> pt.Purchase:
    files = [_file(d) for d in b.documents.get(p.id, [])]
    return pt.Purchase(
        id=to_global_id("Purchase", p.id),
        shop_name=p.shop_name,
        shop_address=p.shop_address,
        latitude=p.latitude,
        longitude=p.longitude,
        gps_accuracy_meters=p.gps_accuracy_m,
        purchased_at=p.purchased_at,
        recorded_at=p.recorded_at,
        price=Decimal(p.price_cents).scaleb(-2),
        currency=p.currency,
        receipt_number=p.receipt_number,
        buyer=b.users[p.buyer_id].login,
        receipt=next((f for f in files if f.purpose == "RECEIPT"), None),
        photos=[f for f in files if f.purpose == "PRODUCT_PHOTO"],
        samples=[_sample(s) for s in b.samples.get(p.id, [])],
    )


def _category(c) -> ProductCategory:
    return ProductCategory.from_model(c)


def _file(d) -> pt.PurchaseFile:
    return pt.PurchaseFile(
        id=to_global_id("Document", d.id),
        purpose=d.purpose,
        filename=d.filename,
        content_type=d.content_type,
        size=d.size,
        sha256=d.sha256,
        download_url=f"/documents/{d.id}",
    )


def _sample(s) -> pt.PurchasedSample:
    return pt.PurchasedSample(
        id=to_global_id("Sample", s.id),
        identifier=s.identifier,
        seal_number=s.seal_number,
        quantity=s.quantity,
        status=SampleStatus(s.status),
        carrier=s.carrier,
        tracking_number=s.tracking_number,
        shipped_at=s.shipped_at,
        version=s.version,
    )
