"""National and provincial supervision spot checks (§4.6) recorded against certificates:
the third failure of the same certificate's products revokes it directly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.audit_events import AuditAction
from domain.certificate import LIVE
from domain.decisions import SPOT_CHECK_FAILURES_TO_REVOKE, SpotCheckLevel, spot_check_revokes
from domain.enums import CertificateStatus
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text
from services import audit_log
from services.certificate_expiry import expire_certificate
from services.clock import today
from services.context import Session
from services.results.decide import move_certificate
from services.runner import Work, command
from store.models import Certificate, SpotCheck

FACTORY_COLUMNS = ("responsible_unit_id", "agency_unit_id", "enterprise_unit_id")


@command(gate="Certificate", action="record_spot_check")
async def record_spot_check(
    work: Work,
    *,
    certificate_id: int,
    level: SpotCheckLevel,
    checked_on: date,
    passed: bool,
    reference: str,
    notes: str | None,
) -> Certificate:
    ref = clean_text(reference, "reference", max_length=100, single_line=True)
    text = clean_text(notes, "notes", max_length=5000, required=False) or ""
    if not date(2000, 1, 1) <= checked_on <= today():
        raise DomainError(ErrorCode.INVALID, "the check date is in the future or too old", ("checkedOn",))
    session, certificate = work.user, work.target
    await expire_certificate(certificate, today())  # past its date, it is no longer revoked by a third failure
    if await SpotCheck.filter(certificate_id=certificate.id, reference=ref).exists():
        raise DomainError(ErrorCode.CONFLICT, "this spot check is recorded already", ("reference",))
    check = await SpotCheck.create(
        certificate_id=certificate.id,
        level=level.value,
        checked_on=checked_on,
        passed=passed,
        reference=ref,
        notes=text,
        recorded_by_id=session.actor.user_id,
        recorded_at=datetime.now(UTC),
    )
    await audit_log.record(
        AuditAction.CERTIFICATE_SPOT_CHECK,
        "Certificate",
        certificate.id,
        after={"level": level.value, "checkedOn": checked_on.isoformat(), "passed": passed, "reference": ref},
    )
    if not passed:
        await _revoke_on_third_failure(session, certificate, check)
    return await Certificate.get(id=certificate_id)


async def _revoke_on_third_failure(session: Session, certificate: Certificate, check: SpotCheck) -> None:
    failures = await SpotCheck.filter(certificate_id=certificate.id, passed=False).order_by("checked_on", "id")
    live = CertificateStatus(certificate.status) in LIVE
    if not (live and spot_check_revokes(len(failures))):
        return
    named = ", ".join(f"{f.level.lower()} {f.reference} ({f.checked_on.isoformat()})" for f in failures)
    why = f"{SPOT_CHECK_FAILURES_TO_REVOKE} spot-check failures of this certificate's products: {named}"
    await move_certificate(session, certificate, CertificateStatus.REVOKED, why)
