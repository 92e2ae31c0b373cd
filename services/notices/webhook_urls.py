"""Webhook URLs (issue 14): what registration accepts, and where a send may go.

- The URL: at most 500 characters; http or https (https only in production); a host; no
  credentials; no whitespace or control character anywhere; a port in range; and one that
  httpx takes as well, so what could never be sent is refused at registration rather than
  dead-lettered later.
- Internal addresses (SSRF): in production a host that is, or resolves to, a loopback, private,
  link-local, reserved, multicast or unspecified address (domain/notice_delivery.py,
  `is_internal_address`) is refused at registration, and again at every send, where the POST
  then goes to the very address checked (no second lookup a rebinding DNS could answer
  otherwise). Redirects are never followed. Outside production loopback and private receivers
  are allowed: the tests and a local receiver use them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

import httpx

from domain.errors import msg
from domain.notice_delivery import is_internal_address

MAX_URL = 500
RESOLVE_TIMEOUT_SECONDS = 2.0
DEFAULT_PORTS = {"http": 80, "https": 443}


def url_problem(url: str, production: bool) -> str | None:
    """Why `url` is no webhook receiver's URL, or None."""
    if not url or len(url) > MAX_URL:
        return msg("a webhook URL has 1 to 500 characters")  # MAX_URL
    if any(c.isspace() or not c.isprintable() for c in url):
        return msg("a webhook URL has no spaces or control characters")
    try:
        parts = urlsplit(url)
        _ = parts.port  # out of range or not a number: ValueError
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return msg("not a well-formed URL (host, port)")
    schemes = ("https",) if production else ("https", "http")
    if parts.scheme not in schemes or not parts.hostname:
        return msg("a webhook URL is https with a host") if production else msg("a webhook URL is http(s) with a host")
    if parts.username is not None or parts.password is not None:
        return msg("a webhook URL carries no credentials")
    return None


async def addresses(parts: SplitResult) -> list[str]:
    """The host's addresses: the literal, else a lookup in a thread with a short timeout.
    Raises OSError or TimeoutError when it does not resolve."""
    host = parts.hostname or ""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 443)
    lookup = asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    found = await asyncio.wait_for(lookup, RESOLVE_TIMEOUT_SECONDS)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


async def external_address(url: str) -> tuple[str | None, str | None]:
    """(the address to send to, None), or (None, why not): a host that does not resolve, or
    any of whose addresses is internal."""
    try:
        found = await addresses(urlsplit(url))
    except (OSError, TimeoutError, UnicodeError, ValueError):
        return None, msg("the webhook's host does not resolve")
    if not found:
        return None, msg("the webhook's host does not resolve")
    if any(is_internal_address(a) for a in found):
        return None, msg("the webhook's host is or resolves to an internal address")
    return found[0], None


async def registration_problem(url: str, production: bool) -> str | None:
    """Everything registration checks: the URL, and in production where it points."""
    if problem := url_problem(url, production):
        return problem
    if production:
        _, problem = await external_address(url)
        return problem
    return None
