"""The buyer records a purchase: where, when, for how much, the receipt, the product
photos and the samples bought, all in one transaction (and once per idempotency key)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from domain.audit_events import AuditAction
from domain.custody import SampleStatus, check_position, check_price
from domain.errors import DomainError, ErrorCode
from domain.purchases import (
    PURCHASABLE_TASK_STATUS,
    AssignmentStatus,
    check_evidence,
    check_open,
    check_purchase_time,
    price_in_cents,
)
from domain.tasks import TaskStatus
from domain.validation import clean_text
from services import audit_log, idempotency
from services.context import Session
from services.documents import checked_file, keep_document
from services.purchases.access import own_assignment
from services.runner import Work, command
from services.tasks.common import move
from store.models import Purchase, Sample, SurveillanceTask

IMAGES = ("image/jpeg", "image/png")
RECEIPTS = (*IMAGES, "application/pdf")


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class BoughtSample:
    identifier: str
    seal_number: str
    quantity: int


@dataclass(frozen=True)
class PurchaseFacts:
    shop_name: str
    shop_address: str
    latitude: float
    longitude: float
    purchased_at: datetime
    price: Decimal
    currency: str
    receipt_number: str
    receipt: Upload
    photos: list[Upload]
    samples: list[BoughtSample]
    gps_accuracy_m: float | None = None
    idempotency_key: str | None = field(default=None, compare=False)

    def fingerprint(self, assignment_id: int) -> str:
        """Everything the buyer sent, with files as their SHA-256."""
        return idempotency.fingerprint(
            {
                "assignment": assignment_id,
                "shop": [self.shop_name, self.shop_address],
                "position": [self.latitude, self.longitude, self.gps_accuracy_m],
                "purchasedAt": self.purchased_at.isoformat(),
                "price": str(self.price),
                "currency": self.currency,
                "receipt": [self.receipt_number, self.receipt.sha256],
                "photos": [p.sha256 for p in self.photos],
                "samples": [[s.identifier, s.seal_number, s.quantity] for s in self.samples],
            }
        )


async def record_purchase(session: Session, *, assignment_id: int, facts: PurchaseFacts) -> Purchase:
    """Record the purchase once per idempotency key: a replay answers with the first purchase
    (if the assignment is still the caller's) and records nothing."""

    async def first() -> Purchase:
        return await record_new_purchase(session, assignment_id=assignment_id, facts=facts)

    async def replay(purchase_id: int) -> Purchase:
        purchase = await Purchase.get(id=purchase_id)
        await own_assignment(session, purchase.assignment_id, "record")  # still theirs to see
        return purchase

    return await idempotency.once(
        session,
        facts.idempotency_key,
        "recordPurchase",
        facts.fingerprint(assignment_id),
        first,
        lambda p: p.id,
        replay,
    )


# The PurchaseAssignment gate lets only the buyer the work was assigned to `record` on it.
@command(gate="PurchaseAssignment", action="record")
async def record_new_purchase(work: Work, *, assignment_id: int, facts: PurchaseFacts) -> Purchase:
    max_bytes = work.user.config.max_upload_bytes
    shop = clean_text(facts.shop_name, "shopName", max_length=200, single_line=True)
    address = clean_text(facts.shop_address, "shopAddress", max_length=500)
    receipt_number = clean_text(facts.receipt_number, "receiptNumber", max_length=100, single_line=True)
    check_position(facts.latitude, facts.longitude)
    if facts.gps_accuracy_m is not None and not 0 <= facts.gps_accuracy_m <= 100_000:
        raise DomainError(ErrorCode.INVALID, "GPS accuracy is 0 to 100000 metres", ("gpsAccuracyMeters",))
    cents = price_in_cents(facts.price)
    check_price(cents, facts.currency)
    samples = [_clean_sample(i, s) for i, s in enumerate(facts.samples)]
    check_evidence(len(facts.photos), [s.identifier for s in samples])
    receipt = facts.receipt
    receipt_type = checked_file(
        receipt.data, receipt.content_type, max_bytes, ("receipt",), RECEIPTS, "a receipt is a JPEG, PNG or PDF"
    )
    photo_types = [
        checked_file(p.data, p.content_type, max_bytes, ("photos", str(i)), IMAGES, "photos are JPEG or PNG images")
        for i, p in enumerate(facts.photos)
    ]
    buyer_id = work.actor.user_id
    assignment = work.target
    check_open(AssignmentStatus(assignment.status))
    now = datetime.now(UTC)
    check_purchase_time(facts.purchased_at, assignment.assigned_at, now)
    task = await SurveillanceTask.get(id=assignment.task_id)
    if TaskStatus(task.status) not in PURCHASABLE_TASK_STATUS:
        raise DomainError(ErrorCode.CONFLICT, "the task is {status}", ("assignmentId",), status=task.status.lower())
    taken = await Sample.filter(identifier__in=[s.identifier for s in samples]).values_list("identifier", flat=True)
    if taken:
        in_use = ", ".join(sorted(taken))
        raise DomainError(ErrorCode.CONFLICT, "sample identifiers in use: {in_use}", ("samples",), in_use=in_use)
    if TaskStatus(task.status) == TaskStatus.TEAM_ASSIGNED:  # the first purchase starts the work
        await move(task, TaskStatus.IN_PROGRESS, AuditAction.TASK_START, None, started_at=now)
    purchase = await Purchase.create(
        assignment_id=assignment.id,
        buyer_id=buyer_id,
        shop_name=shop,
        shop_address=address,
        latitude=facts.latitude,
        longitude=facts.longitude,
        gps_accuracy_m=facts.gps_accuracy_m,
        purchased_at=facts.purchased_at,
        recorded_at=now,
        price_cents=cents,
        currency=facts.currency,
        receipt_number=receipt_number,
    )
    files = [("RECEIPT", facts.receipt, receipt_type)] + [
        ("PRODUCT_PHOTO", p, t) for p, t in zip(facts.photos, photo_types, strict=True)
    ]
    for purpose, upload, content_type in files:
        await keep_document(
            work,
            task_id=task.id,
            purchase_id=purchase.id,
            purpose=purpose,
            data=upload.data,
            content_type=content_type,
            filename=_filename(upload, purpose),
        )
    for s in samples:
        sample = await Sample.create(
            task_id=task.id,
            purchase_id=purchase.id,
            identifier=s.identifier,
            seal_number=s.seal_number,
            quantity=s.quantity,
            place=f"{shop}, {address}",
            taken_by_id=buyer_id,
            taken_at=facts.purchased_at,
            status=SampleStatus.SEALED,
            responsible_unit_id=task.responsible_unit_id,
            executing_unit_id=task.executing_unit_id,
        )
        await audit_log.record(
            AuditAction.SAMPLE_SEAL,
            "Sample",
            sample.id,
            after={"identifier": s.identifier, "task": task.id},
        )
    await audit_log.record(
        AuditAction.PURCHASE_RECORD,
        "Purchase",
        purchase.id,
        after={
            "assignment": assignment.id,
            "shop": shop,
            "price": str(facts.price),
            "currency": facts.currency,
            "receipt": receipt_number,
            "position": [facts.latitude, facts.longitude],
            "purchasedAt": facts.purchased_at.isoformat(),
            "samples": [s.identifier for s in samples],
            "files": [u.sha256 for _, u, _ in files],
        },
    )
    return purchase


def _clean_sample(index: int, s: BoughtSample) -> BoughtSample:
    at = ("samples", str(index))
    if not 1 <= s.quantity <= 1000:
        raise DomainError(ErrorCode.INVALID, "quantity must be 1 to 1000", (*at, "quantity"))
    try:
        return BoughtSample(
            identifier=clean_text(s.identifier, "identifier", max_length=64, single_line=True),
            seal_number=clean_text(s.seal_number, "sealNumber", max_length=64, single_line=True),
            quantity=s.quantity,
        )
    except DomainError as exc:  # point at the sample in the list
        raise exc.at((*at, *exc.field)) from exc


def _filename(upload: Upload, purpose: str) -> str:
    """The client's file name, reduced to a safe base name; the purpose when there is none."""
    name = Path((upload.filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    return name or purpose.lower()
