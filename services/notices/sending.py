"""Sending one claimed delivery: what it carries, rendered for its channel.

An email is in its recipient's language (their preference, else Chinese: there is no request
to read an Accept-Language from). A webhook carries both languages and the parameters:

    {"deliveryKey", "kind", "occurredAt", "subject": {"type", "id"},
     "title": {"zh", "en"}, "body": {"zh", "en"}, "params"}

`subject.id` is the subject's GraphQL global id (what `node(id:)` takes)."""

from __future__ import annotations

import base64
import logging

from domain.notice_delivery import DeliveryStatus, Failed
from domain.notices import Channel
from services.i18n import choose_language
from services.notices import transports, webhook_urls
from services.notices.config import DeliveryConfig
from services.notices.render import render, render_all
from services.notices.transports import CannotSucceed, NobodyToSend, SendFailed
from store.models import NoticeDelivery, NoticePreference

log = logging.getLogger("surveil.notices")


async def send(delivery_id: int, config: DeliveryConfig) -> Failed | None:
    """Send one delivery; None when the send returned successfully, else why not and what
    becomes of it (retried, a dead letter at once, or dropped: domain/notice_delivery.py)."""
    delivery = await NoticeDelivery.filter(id=delivery_id).select_related("event", "user", "endpoint").first()
    if delivery is None:
        return Failed("the delivery is gone")
    try:
        if delivery.channel == Channel.EMAIL.value:
            await _email(delivery, config)
        else:
            await _webhook(delivery, config)
    except NobodyToSend as exc:
        return Failed(str(exc), DeliveryStatus.DROPPED)
    except CannotSucceed as exc:
        return Failed(str(exc), DeliveryStatus.DEAD)
    except SendFailed as exc:
        return Failed(str(exc))
    except Exception as exc:  # a bug or an unexpected library error must not stop the others
        log.exception("delivery %s failed unexpectedly", delivery.delivery_key)
        return Failed(f"unexpected {type(exc).__name__}")
    return None


async def _email(delivery: NoticeDelivery, config: DeliveryConfig) -> None:
    """To the person as they are now: one deactivated, without an address, with email switched
    off or the kind muted since the fan-out is not sent to (dropped)."""
    person, event = delivery.user, delivery.event
    if person is None or not person.active:
        raise NobodyToSend("the recipient is no longer active")
    if not person.email:
        raise NobodyToSend("the recipient has no email address any more")
    pref = await NoticePreference.filter(user_id=person.id).first()
    if pref is not None and (not pref.email_enabled or event.kind in (pref.muted_kinds or [])):
        raise NobodyToSend("the recipient switched this email off")
    title, body = render(event.kind, event.params or {}, choose_language(person.language, None))
    await transports.send_email(config, to=person.email, subject=title, body=body, key=delivery.delivery_key)


def webhook_payload(delivery: NoticeDelivery) -> dict:
    event = delivery.event
    texts = render_all(event.kind, event.params or {})
    return {
        "deliveryKey": delivery.delivery_key,
        "kind": event.kind,
        "occurredAt": event.created_at.isoformat(),
        "subject": {"type": event.subject_type, "id": global_id(event.subject_type, event.subject_id)},
        "title": {language: title for language, (title, _) in texts.items()},
        "body": {language: body for language, (_, body) in texts.items()},
        "params": event.params or {},
    }


def global_id(type_name: str, db_id: int | None) -> str | None:
    """The subject's GraphQL id, spelled as schema/relay.py `to_global_id` spells it (services
    may not import the schema; tests/services/test_webhooks.py checks the two agree)."""
    if db_id is None:
        return None
    return base64.urlsafe_b64encode(f"{type_name}:{db_id}".encode()).decode().rstrip("=")


async def _webhook(delivery: NoticeDelivery, config: DeliveryConfig) -> None:
    endpoint = delivery.endpoint
    if endpoint is None or not endpoint.active:
        raise NobodyToSend("the webhook endpoint was deactivated")
    if problem := webhook_urls.url_problem(endpoint.url, config.https_only):
        raise CannotSucceed(problem)
    address = None
    if config.external_only:  # production: checked now, and the POST goes to the address checked
        address, problem = await webhook_urls.external_address(endpoint.url)
        if problem:
            raise CannotSucceed(problem)
    payload = webhook_payload(delivery)
    await transports.post_webhook(
        config, url=endpoint.url, secret=endpoint.secret, payload=payload, key=delivery.delivery_key, address=address
    )
