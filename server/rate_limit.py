"""Per-client rate limit of the public pages (GET /public/...): a moving window of
PUBLIC_RATE_LIMIT requests (default 60 a minute) per client address, kept in this process's
memory (the `limits` package; a shared store such as Redis is a change of storage only).

The client address is the socket peer. X-Forwarded-For is believed only from a peer listed in
SURVEIL_TRUSTED_PROXIES (addresses or networks): then the client is the right-most address of
that header that is not itself a trusted proxy. IPv6 clients are counted per /64 (one
subscriber's network), so that a host with a whole prefix cannot step around the limit."""

from __future__ import annotations

import math
import time
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.requests import Request

NAMESPACE = "public"
MAX_FORWARDED_HOPS = 16  # X-Forwarded-For entries looked at, from the right
MAX_FORWARDED_CHARS = 2048


def parse_networks(listed: str | tuple[str, ...]):
    """`10.0.0.0/8, 127.0.0.1` → networks; ValueError for anything else."""
    items = listed.split(",") if isinstance(listed, str) else listed
    return tuple(ip_network(item.strip(), strict=False) for item in items if item.strip())


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _key(address: IPv4Address | IPv6Address) -> str:
    if isinstance(address, IPv6Address):
        return str(ip_network(f"{address}/64", strict=False))
    return str(address)


class PublicRateLimit:
    def __init__(self, rate: str, trusted_proxies: tuple[str, ...] = ()) -> None:
        self.item = parse(rate)
        self.trusted = parse_networks(trusted_proxies)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def _is_trusted(self, address) -> bool:
        return any(address in network for network in self.trusted)

    def client(self, request: Request) -> str:
        """The key the request is counted under (see the module's text)."""
        peer = _address(request.client.host) if request.client else None
        if peer is None:
            return "unknown"
        if not self._is_trusted(peer):
            return _key(peer)
        forwarded = ",".join(request.headers.getlist("x-forwarded-for"))[-MAX_FORWARDED_CHARS:]
        for hop in reversed(forwarded.split(",")[-MAX_FORWARDED_HOPS:]):
            address = _address(hop)
            if address is None:
                break  # a garbled entry: nothing left of it can be believed
            if not self._is_trusted(address):
                return _key(address)
        return _key(peer)

    async def retry_after(self, request: Request) -> int | None:
        """Counts the request; None when it is within the budget, else the whole seconds until
        the window lets the client in again."""
        key = self.client(request)
        if await self.limiter.hit(self.item, NAMESPACE, key):
            return None
        stats = await self.limiter.get_window_stats(self.item, NAMESPACE, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
