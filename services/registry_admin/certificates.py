"""Certificates entering, renewed, moving with their production and cancelled (HQ's planners).

- Issue (发证): a valid certificate of a factory in the registry, under its category's
  implementation rule unless another is named; its history starts with the issue.
- Renew (延续): a later `expiresOn` for a valid or suspended certificate (domain/certificate.py,
  `check_renewal`).
- Transfer (证书转移): production moved to another factory; refused while an open task
  surveils the certificate at its old factory. The audit trail keeps where it was.
- Cancel (注销): the status machine's move to CANCELLED, through the decisions' own path
  (services/results/decide.py, `move_certificate`: history entry and audit record); a
  certificate past its date is recorded as expired first, as a decision would."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.exceptions import IntegrityError

from domain import registry
from domain.audit_events import AuditAction
from domain.certificate import check_issued_on, check_move, check_renewal, check_transfer
from domain.enums import CertificateStatus, FactoryStatus
from domain.errors import DomainError, ErrorCode
from domain.tasks import OPEN
from domain.validation import require_reason
from services import audit_log
from services.certificate_expiry import expire_certificate
from services.clock import today
from services.gates import GATES
from services.registry_admin.common import category_by_code, factory_by_id, input_fields
from services.results.decide import move_certificate
from services.runner import Work, at_hq, command
from services.versioning import save_versioned
from store.models import Certificate, CertificateStatusChange, Factory, SurveillanceTask

KIND = "certificate"


@command(authorize=at_hq("issue", KIND))
async def issue_certificate(
    work: Work,
    *,
    factory_id: int,
    number: str,
    holder: str,
    category_code: str,
    implementation_rule: str | None,
    issued_on: date,
    expires_on: date,
    reason: str | None,
) -> Certificate:
    why = require_reason(reason)
    now = today()
    with input_fields(issued_on="issuedOn", expires_on="expiresOn"):
        new = registry.new_certificate(
            number=number,
            holder=holder,
            issued_on=issued_on,
            expires_on=expires_on,
            status=CertificateStatus.VALID,
            implementation_rule=implementation_rule,
        )
    check_issued_on(new.issued_on, now, "issuedOn")
    if new.expires_on < now:
        raise DomainError(ErrorCode.INVALID, "a certificate issued today is not past its expiresOn", ("expiresOn",))
    factory = await factory_by_id(factory_id, "factoryId")
    _in_registry(factory, "factoryId")
    category = await category_by_code(category_code)
    twin = await Certificate.filter(number__iexact=new.number).first()  # AB-1 and ab-1 print alike
    if twin is not None:
        raise DomainError(ErrorCode.CONFLICT, "a certificate {number} exists already", ("number",), number=twin.number)
    rule = new.implementation_rule or category.implementation_rule
    try:
        certificate = await Certificate.create(
            number=new.number,
            holder=new.holder,
            factory_id=factory.id,
            product_category_id=category.id,
            implementation_rule=rule,
            status=CertificateStatus.VALID,
            issued_on=new.issued_on,
            expires_on=new.expires_on,
        )
    except IntegrityError:  # issued concurrently
        raise DomainError(
            ErrorCode.CONFLICT, "a certificate {number} exists already", ("number",), number=new.number
        ) from None
    await CertificateStatusChange.create(
        certificate_id=certificate.id,
        from_status=None,
        to_status=CertificateStatus.VALID,
        reason=why,
        actor=work.actor.login,
        at=datetime.now(UTC),
    )
    await audit_log.record(
        AuditAction.CERTIFICATE_ISSUE,
        "Certificate",
        certificate.id,
        after={
            "number": new.number,
            "holder": new.holder,
            "factory": factory.code,
            "category": category.code,
            "implementationRule": rule,
            "issuedOn": new.issued_on.isoformat(),
            "expiresOn": new.expires_on.isoformat(),
        },
        reason=why,
    )
    return certificate


@command(gate="Certificate", action="renew")
async def renew_certificate(
    work: Work, *, certificate_id: int, expected_version: int, expires_on: date, reason: str | None
) -> Certificate:
    why = require_reason(reason)
    certificate: Certificate = work.target
    check_renewal(CertificateStatus(certificate.status), certificate.expires_on, expires_on, today())
    before = certificate.expires_on
    await save_versioned(certificate, "certificate", expires_on=expires_on)
    await audit_log.record(
        AuditAction.CERTIFICATE_RENEW,
        "Certificate",
        certificate.id,
        before={"expiresOn": before.isoformat()},
        after={"expiresOn": expires_on.isoformat()},
        reason=why,
    )
    return certificate


@command(gate="Certificate", action="transfer")
async def transfer_certificate(
    work: Work, *, certificate_id: int, expected_version: int, factory_id: int, reason: str | None
) -> Certificate:
    why = require_reason(reason)
    certificate: Certificate = work.target
    target, _ = await GATES["Factory"].open_for(work.user, factory_id, "read")
    if target.id == certificate.factory_id:
        raise DomainError(ErrorCode.NO_CHANGE, "the certificate is at that factory already", ("factoryId",))
    _in_registry(target, "factoryId")
    check_transfer(CertificateStatus(certificate.status), certificate.expires_on, today(), "certificateId")
    surveilled = await SurveillanceTask.filter(certificate_links__certificate_id=certificate.id, status__in=list(OPEN))
    if surveilled:
        raise DomainError(
            ErrorCode.CONFLICT,
            "open task(s) {tasks} surveil this certificate at its factory: finish or cancel them first",
            ("certificateId",),
            tasks=", ".join(str(t.id) for t in surveilled),
        )
    old = await Factory.get(id=certificate.factory_id)
    await save_versioned(certificate, "certificate", factory_id=target.id)
    await audit_log.record(
        AuditAction.CERTIFICATE_TRANSFER,
        "Certificate",
        certificate.id,
        before={"factory": old.code},
        after={"factory": target.code},
        reason=why,
    )
    return certificate


@command(gate="Certificate", action="cancel")
async def cancel_certificate(
    work: Work, *, certificate_id: int, expected_version: int, reason: str | None
) -> Certificate:
    why = require_reason(reason)
    certificate: Certificate = work.target
    await expire_certificate(certificate, today())  # past its date: expired first, then cancelled
    try:
        check_move(CertificateStatus(certificate.status), CertificateStatus.CANCELLED)
    except DomainError as exc:
        raise exc.at(("certificateId",)) from None
    await move_certificate(
        work.user, certificate, CertificateStatus.CANCELLED, why, action=AuditAction.CERTIFICATE_CANCEL
    )
    await certificate.refresh_from_db()
    return certificate


def _in_registry(factory: Factory, field: str) -> None:
    registry.check_in_registry(factory.code, FactoryStatus(factory.status), field)
