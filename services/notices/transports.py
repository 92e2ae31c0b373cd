"""The two ways out: an email over SMTP and a signed webhook POST. Each raises on failure
(the caller keeps a short reason, never a secret) and has its own short timeout."""

from __future__ import annotations

import json
import time
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib
import httpx

from domain.notice_delivery import sign
from services.notices.config import DeliveryConfig


class SendFailed(RuntimeError):
    """A send that did not succeed, with a reason fit to keep on the delivery: retried."""


class CannotSucceed(SendFailed):
    """A send that cannot succeed as things stand (a malformed or internal URL): a dead letter
    at once, for an administrator to look at."""


class NobodyToSend(SendFailed):
    """Nobody to send to any more (the person, their address or wish; the endpoint): dropped."""


def message_id(key: str) -> str:
    """The email's Message-ID, derived from the delivery key (the same on every attempt)."""
    return f"<notice.{key.replace(':', '.')}@surveil>"


async def send_email(config: DeliveryConfig, *, to: str, subject: str, body: str, key: str) -> None:
    message = EmailMessage()
    message["From"] = config.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(key)
    message["X-Surveil-Delivery-Key"] = key
    message.set_content(body)
    try:
        await aiosmtplib.send(
            message,
            hostname=config.smtp_host,
            port=config.smtp_port,
            username=config.smtp_username,
            password=config.smtp_password,
            start_tls=config.smtp_starttls,
            use_tls=config.smtp_tls,
            timeout=config.send_timeout_seconds,
        )
    except aiosmtplib.SMTPResponseException as exc:
        raise SendFailed(f"SMTP {exc.code}: {exc.message}") from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise SendFailed(f"SMTP {type(exc).__name__}") from None


async def post_webhook(
    config: DeliveryConfig, *, url: str, secret: str, payload: dict, key: str, address: str | None = None
) -> None:
    """POST the signed payload; with `address`, to that address (checked by the caller) with
    the URL's host in the Host header and for TLS (SNI and the certificate's name)."""
    if config.https_only and not url.startswith("https://"):
        raise CannotSucceed("webhook URLs must be https in production")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "surveil-notices/1",
        "x-surveil-delivery": key,
        "x-surveil-timestamp": str(timestamp),
        "x-surveil-signature": sign(secret, timestamp, body),
    }
    try:
        target, extensions = httpx.URL(url), {}
        if address is not None:
            headers["host"] = target.netloc.decode("ascii")
            extensions["sni_hostname"] = target.host
            target = target.copy_with(host=address)
        async with httpx.AsyncClient(timeout=config.send_timeout_seconds, follow_redirects=False) as client:
            response = await client.post(target, content=body, headers=headers, extensions=extensions)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise CannotSucceed(f"the webhook URL cannot be sent to ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise SendFailed(f"webhook {type(exc).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise SendFailed(f"webhook answered HTTP {response.status_code}")
