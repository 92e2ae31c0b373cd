"""Certificates: scoped reads. Status changes are made by decisions (services/results) and by
expiry (services/certificate_expiry); reads already treat a certificate past its date as expired."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.expressions import Q

from domain.certificate import EXPIRING, LIVE
from domain.enums import CertificateStatus
from services.clock import today
from services.context import Session
from services.errors import bounded
from services.scoping import factory_filter
from store.models import Certificate, CertificateStatusChange
from store.pagination import Page, PageRequest, paginate
from store.rows import CERTIFICATE_FIELDS, fetch_rows

KIND = "certificate"


@dataclass(frozen=True)
class CertificateFilter:
    status: CertificateStatus | None = None
    factory_id: int | None = None
    product_category: str | None = None
    search: str | None = None
    suspension_expired: bool | None = None


async def list_certificates(session: Session, flt: CertificateFilter, page: PageRequest) -> Page[Certificate]:
    qs = Certificate.filter(await factory_filter(session, "read", KIND, prefix="factory__"))
    if flt.status is not None:
        qs = qs.filter(status_filter(flt.status, today()))
    if flt.factory_id is not None:
        qs = qs.filter(factory_id=flt.factory_id)
    if flt.product_category is not None:
        qs = qs.filter(product_category__code=bounded(flt.product_category, "productCategory", 32))
    if flt.search:
        qs = qs.filter(number__icontains=bounded(flt.search, "search", 64))
    if flt.suspension_expired is not None:
        expired = Q(status=CertificateStatus.SUSPENDED, suspended_until__lt=today(), expires_on__gte=today())
        qs = qs.filter(expired if flt.suspension_expired else ~expired)
    return await paginate(qs, page, CERTIFICATE_FIELDS)


def status_filter(status: CertificateStatus, day) -> Q:
    """Certificates whose status on `day` is `status` (domain.certificate.effective_status), so
    that a certificate past its date is found as EXPIRED even before the sweep has moved it."""
    if status == CertificateStatus.EXPIRED:
        return Q(status=status) | Q(status__in=EXPIRING, expires_on__lt=day)
    if status in EXPIRING:
        return Q(status=status, expires_on__gte=day)
    return Q(status=status)


def live_filter(day) -> Q:
    """Certificates still surveilled on `day`: valid or suspended, and not past their date."""
    return Q(status__in=LIVE, expires_on__gte=day)


async def visible_certificates(session: Session, ids: list[int]) -> dict[int, Certificate]:
    scope = await factory_filter(session, "read", KIND, prefix="factory__")
    return {c.id: c for c in await fetch_rows(Certificate.filter(scope, id__in=ids), CERTIFICATE_FIELDS)}


async def certificates_of_factories(session: Session, factory_ids: list[int]) -> dict[int, list[Certificate]]:
    """One query for the certificates of many factories (DataLoader batch)."""
    scope = await factory_filter(session, "read", KIND, prefix="factory__")
    grouped: dict[int, list[Certificate]] = defaultdict(list)
    rows = await fetch_rows(Certificate.filter(scope, factory_id__in=factory_ids).order_by("id"), CERTIFICATE_FIELDS)
    for cert in rows:
        grouped[cert.factory_id].append(cert)
    return grouped


async def status_history(certificate_ids: list[int]) -> dict[int, list[CertificateStatusChange]]:
    """Callers pass only certificates they were allowed to load."""
    grouped: dict[int, list[CertificateStatusChange]] = defaultdict(list)
    rows = await CertificateStatusChange.filter(certificate_id__in=certificate_ids).order_by("at", "id")
    for row in rows:
        grouped[row.certificate_id].append(row)
    return grouped
