"""Partner systems' webhooks, managed by HQ's administrators (policy `webhook/manage` at HQ).

Registering returns the signing secret once; it is kept to sign (HMAC needs it) but no query
ever reads it back — a lost secret means registering anew and deactivating the old endpoint.
Which URLs are accepted (https only in production, no internal addresses there):
services/notices/webhook_urls.py."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from domain.audit_events import AuditAction
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.notices import NoticeKind
from services import audit_log
from services.context import Session
from services.notices.webhook_urls import registration_problem
from services.runner import Work, at_hq, command
from store.models import OrgUnit, WebhookEndpoint

KINDS = {k.value for k in NoticeKind}


@dataclass(frozen=True)
class Registered:
    endpoint: WebhookEndpoint
    secret: str


async def _check(url: str, kinds: list[str], production: bool) -> list[DomainError]:
    errors = []
    if problem := await registration_problem(url, production):
        errors.append(DomainError(ErrorCode.INVALID, problem, ("url",)))
    if not kinds:
        errors.append(DomainError(ErrorCode.REQUIRED, "subscribe to at least one notice kind", ("kinds",)))
    unknown = [i for i, kind in enumerate(kinds) if kind not in KINDS]
    if unknown:
        errors.append(DomainError(ErrorCode.INVALID, "not a notice kind", ("kinds", str(unknown[0]))))
    return errors


@command(authorize=at_hq("manage", "webhook"))
async def register(work: Work, *, unit_code: str, url: str, kinds: list[str], production: bool) -> Registered:
    errors = await _check(url, kinds, production)
    unit = await OrgUnit.filter(code=unit_code).first()
    if unit is None:
        errors.append(DomainError(ErrorCode.NOT_FOUND, "no such unit", ("unitCode",)))
    if errors:
        raise DomainErrors(errors)
    secret = secrets.token_urlsafe(32)
    endpoint = await WebhookEndpoint.create(unit=unit, url=url, secret=secret, kinds=sorted(set(kinds)))
    after = {"unit": unit_code, "url": endpoint.url, "kinds": endpoint.kinds}  # never the secret
    await audit_log.record(AuditAction.WEBHOOK_REGISTER, "WebhookEndpoint", endpoint.id, after=after)
    endpoint.unit = unit
    return Registered(endpoint, secret)


@command(authorize=at_hq("manage", "webhook"))
async def deactivate(work: Work, *, endpoint_id: int, reason: str | None) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.filter(id=endpoint_id).select_related("unit").first()
    if endpoint is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such webhook endpoint", ("endpointId",))
    if not endpoint.active:
        raise DomainError(ErrorCode.NO_CHANGE, "the endpoint is already inactive", ("endpointId",))
    endpoint.active = False
    await endpoint.save(update_fields=["active"])
    await audit_log.record(
        AuditAction.WEBHOOK_DEACTIVATE, "WebhookEndpoint", endpoint.id, after={"active": False}, reason=reason
    )
    return endpoint


def may_manage(session: Session) -> bool:
    return session.perms.decide("manage", "webhook", ["hq"]).allowed


async def endpoints(session: Session) -> list[WebhookEndpoint]:
    """Every endpoint for HQ's administrators; nothing for anyone else."""
    if not may_manage(session):
        return []
    return list(await WebhookEndpoint.all().select_related("unit").order_by("id"))
