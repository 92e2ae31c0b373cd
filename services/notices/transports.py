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
    """A send that did not succeed, with a reason fit to keep on the delivery."""


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


async def post_webhook(config: DeliveryConfig, *, url: str, secret: str, payload: dict, key: str) -> None:
    if config.https_only and not url.startswith("https://"):
        raise SendFailed("webhook URLs must be https in production")
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
        async with httpx.AsyncClient(timeout=config.send_timeout_seconds, follow_redirects=False) as client:
            response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise SendFailed(f"webhook {type(exc).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise SendFailed(f"webhook answered HTTP {response.status_code}")
