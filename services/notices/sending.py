"""Sending one claimed delivery: what it carries, rendered for its channel.

An email is in its recipient's language (their preference, else Chinese: there is no request
to read an Accept-Language from). A webhook carries both languages and the parameters:

    {"deliveryKey", "kind", "occurredAt", "subject": {"type", "id"},
     "title": {"zh", "en"}, "body": {"zh", "en"}, "params"}

`subject.id` is the subject's GraphQL global id (what `node(id:)` takes)."""

from __future__ import annotations

import base64
import logging

from domain.notices import Channel
from services.i18n import choose_language
from services.notices import transports
from services.notices.config import DeliveryConfig
from services.notices.render import render, render_all
from services.notices.transports import SendFailed
from store.models import NoticeDelivery

log = logging.getLogger("surveil.notices")


async def send(delivery_id: int, config: DeliveryConfig) -> tuple[str, bool] | None:
    """Send one delivery; None when the send returned successfully, else a short reason and
    whether the failure is permanent (no later attempt can succeed)."""
    delivery = await NoticeDelivery.filter(id=delivery_id).select_related("event", "user", "endpoint").first()
    if delivery is None:
        return "the delivery is gone", False
    try:
        if delivery.channel == Channel.EMAIL.value:
            await _email(delivery, config)
        else:
            await _webhook(delivery, config)
    except SendFailed as exc:
        return str(exc), exc.permanent
    except Exception as exc:  # a bug or an unexpected library error must not stop the others
        log.exception("delivery %s failed unexpectedly", delivery.delivery_key)
        return f"unexpected {type(exc).__name__}", False
    return None


async def _email(delivery: NoticeDelivery, config: DeliveryConfig) -> None:
    person = delivery.user
    if person is None or not person.active or not person.email:
        raise SendFailed("the recipient has no email address or is deactivated")
    event = delivery.event
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
        raise SendFailed("the webhook endpoint was deactivated")
    payload = webhook_payload(delivery)
    await transports.post_webhook(
        config, url=endpoint.url, secret=endpoint.secret, payload=payload, key=delivery.delivery_key
    )
