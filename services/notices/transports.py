"""The two ways out: an email over SMTP and a signed webhook POST. Each raises `SendFailed` on
failure (the caller keeps a short reason, never a secret) and is cut off at
`send_timeout_seconds` as a whole: connecting, writing, waiting and reading together, however
slowly the other side trickles.

A webhook's answer is judged by its status alone: its body is never read (a receiver answering
with gigabytes costs nothing). An SMTP reply keeps its code: a 5xx about this message (the
recipient or the content refused for good) is permanent and dead-letters at once; 4xx replies,
refusals of our own account (authentication, sender, greeting) and connection failures are
retried."""

from __future__ import annotations

import asyncio
import json
import re
import time
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib
import httpx

from domain.notice_delivery import sign
from services.notices.config import DeliveryConfig

# Line breaks a header value must never carry (RFC 5322 folding is the library's business).
_LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")


class SendFailed(RuntimeError):
    """A send that did not succeed, with a reason fit to keep on the delivery: retried."""


class CannotSucceed(SendFailed):
    """A send that cannot succeed as things stand (a malformed or internal URL, an SMTP 5xx
    refusing this message, an email that cannot be built): a dead letter at once."""


class NobodyToSend(SendFailed):
    """Nobody to send to any more (the person, their address or wish; the endpoint): dropped."""


def message_id(key: str) -> str:
    """The email's Message-ID, derived from the delivery key (the same on every attempt)."""
    return f"<notice.{key.replace(':', '.')}@surveil>"


def one_line(value: str) -> str:
    """A header value on one line: every line break becomes a space (the second defence behind
    single-line input: text stored before it, or from a template, never injects a header)."""
    return _LINE_BREAKS.sub(" ", value)


def build_email(config: DeliveryConfig, *, to: str, subject: str, body: str, key: str) -> EmailMessage:
    message = EmailMessage()
    try:
        message["From"] = one_line(config.smtp_from)
        message["To"] = one_line(to)
        message["Subject"] = one_line(subject)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(key)
        message["X-Surveil-Delivery-Key"] = one_line(key)
        message.set_content(body)
    except (ValueError, TypeError) as exc:  # the same text fails the same way on every attempt
        raise CannotSucceed(f"the email cannot be built: {exc}") from None
    return message


async def send_email(config: DeliveryConfig, *, to: str, subject: str, body: str, key: str) -> None:
    message = build_email(config, to=to, subject=subject, body=body, key=key)
    try:
        async with asyncio.timeout(config.send_timeout_seconds):
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
    except aiosmtplib.SMTPRecipientsRefused as exc:  # every recipient refused (there is one)
        refused = exc.recipients[0] if exc.recipients else None
        if refused is None:
            raise SendFailed("SMTP SMTPRecipientsRefused") from None
        raise _smtp_reply(refused.code, refused.message, about_message=True) from None
    except aiosmtplib.SMTPResponseException as exc:
        about_message = isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError)
        raise _smtp_reply(exc.code, exc.message, about_message=about_message) from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise SendFailed(f"SMTP {type(exc).__name__}") from None


def _smtp_reply(code: int, text: str, *, about_message: bool) -> SendFailed:
    """`SMTP 550: 5.1.1 no such user`; cannot succeed when a 5xx refuses this message itself."""
    reason = f"SMTP {code}: {' '.join(str(text).split())[:120]}"
    return CannotSucceed(reason) if about_message and 500 <= code < 600 else SendFailed(reason)


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
        async with (
            asyncio.timeout(config.send_timeout_seconds),
            httpx.AsyncClient(timeout=config.send_timeout_seconds, follow_redirects=False) as client,
            client.stream("POST", target, content=body, headers=headers, extensions=extensions) as response,
        ):
            status = response.status_code  # the body is left unread; closing drops the connection
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise CannotSucceed(f"the webhook URL cannot be sent to ({type(exc).__name__})") from None
    except TimeoutError:
        raise SendFailed(f"webhook timed out after {config.send_timeout_seconds:g}s") from None
    except httpx.HTTPError as exc:
        raise SendFailed(f"webhook {type(exc).__name__}") from None
    if not 200 <= status < 300:
        raise SendFailed(f"webhook answered HTTP {status}")
