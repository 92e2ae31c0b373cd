"""Delivering notices: delivery keys, retry timing, and webhook signatures (pure rules).

A delivery is one send of one event by one channel to one target. Its key names it for the
receiver, who drops a key seen before (at-least-once delivery may repeat a send). Failed sends
are retried with exponential backoff and jitter; after the last attempt the delivery is dead.

Webhook signature (docs/webhooks.md): `v1=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>`,
timestamp in whole seconds since the epoch, sent in `X-Surveil-Timestamp`."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from enum import StrEnum

SIGNATURE_VERSION = "v1"
REPLAY_WINDOW_SECONDS = 300  # a receiver refuses a timestamp further than this from its clock


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # not sent yet, or sent but not yet known to have been (a crash): sent again
    SENT = "SENT"  # the send returned successfully
    DEAD = "DEAD"  # every attempt failed, or one failed for good: a dead letter, retried only by HQ's administrators
    # Nobody to send to any more (the person deactivated, without an address, email switched off
    # or the kind muted; the endpoint deactivated): closed at send time, never retried, no dead letter.
    DROPPED = "DROPPED"


@dataclass(frozen=True)
class Failed:
    """A send that did not succeed: `reason` is kept on the delivery (short, no secrets);
    `then` says what becomes of it: None, retried (DEAD after the last attempt); DEAD, a dead
    letter at once (it cannot succeed as it stands: a malformed or internal URL); DROPPED."""

    reason: str
    then: DeliveryStatus | None = None


def delivery_key(event_id: int, channel: str, target_id: int) -> str:
    """`<event>:<channel>:<target>`, e.g. `42:webhook:3`: stable across attempts and workers."""
    return f"{event_id}:{channel.lower()}:{target_id}"


def backoff_seconds(attempts: int, base: float, cap: float, jitter: float) -> float:
    """Wait before the next attempt after `attempts` failed ones: base·2^(attempts-1), at most
    `cap`, scaled by `jitter` in [0.5, 1] so that failed sends do not return in step."""
    if attempts < 1:
        return 0.0
    delay = min(cap, base * 2 ** min(attempts - 1, 30))
    return delay * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0))


def is_last_attempt(attempts: int, max_attempts: int) -> bool:
    return attempts >= max_attempts


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signature_valid(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    """The receiver's check: a well-formed recent timestamp and a matching signature (compared
    in constant time). Dropping repeated delivery keys is the receiver's other half."""
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def is_internal_address(address: str) -> bool:
    """An address no partner's receiver may be at (SSRF): loopback, private, link-local,
    reserved, multicast, unspecified or otherwise not global (shared, documentation ranges),
    an IPv4 address written as IPv6 included. Not an address at all: internal too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone is no way around it
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and (mapped := ip.ipv4_mapped or ip.sixtofour) is not None:
        ip = mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def short_error(text: str, limit: int = 200) -> str:
    """What a failed attempt leaves on its delivery: one line, bounded."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
