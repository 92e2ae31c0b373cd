"""Per-client rate limit of the public pages (GET /public/...): PUBLIC_RATE_LIMIT requests
(default 60 a minute) per client address, counted by the same shared limiter as the GraphQL
budgets (server/limiter.py: a sliding window counter in Redis when REDIS_URL is set, so every
process counts against one budget per client; else in this process's memory). Redis down: the
pages are served unchecked (fail open), logged and counted like the budgets.

The client address is the socket peer. X-Forwarded-For is believed only from a peer listed in
SURVEIL_TRUSTED_PROXIES (addresses or networks): then the client is the right-most address of
that header that is not itself a trusted proxy. A connection without a peer address (a unix
socket, which only a local reverse proxy can reach) is treated as from a trusted proxy. IPv6
clients are counted per /64 (one subscriber's network), so that a host with a whole prefix
cannot step around the limit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from starlette.requests import Request

from server.limiter import SharedLimiter

MAX_FORWARDED_HOPS = 16  # X-Forwarded-For entries looked at, from the right
MAX_FORWARDED_CHARS = 2048
UNKNOWN = "unknown"  # the one budget of clients whose address cannot be told
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE = re.compile(r"(\d{1,9})\s*(?:/|\s+per\s+)\s*(\d{1,6})?\s*(second|minute|hour|day)s?", re.ASCII | re.I)


@dataclass(frozen=True)
class Rate:
    amount: int  # requests
    seconds: int  # per this many seconds


def parse_rate(text: str) -> Rate:
    """`60/minute`, `10 per second`, `100/5minutes`, `1000/day` → Rate; ValueError otherwise."""
    found = RATE.fullmatch(text.strip())
    if found is None or int(found[1]) < 1 or found[2] == "0":
        raise ValueError(f"not a rate: {text!r} (give e.g. 60/minute)")
    return Rate(int(found[1]), int(found[2] or 1) * PERIODS[found[3].lower()])


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
    def __init__(self, rate: str, trusted_proxies: tuple[str, ...], limiter: SharedLimiter) -> None:
        self.rate = parse_rate(rate)
        self.trusted = parse_networks(trusted_proxies)
        self.limiter = limiter

    def _is_trusted(self, address) -> bool:
        return any(address in network for network in self.trusted)

    def _forwarded(self, request: Request) -> str | None:
        """The right-most X-Forwarded-For address that is not a trusted proxy's, as a key."""
        forwarded = ",".join(request.headers.getlist("x-forwarded-for"))[-MAX_FORWARDED_CHARS:]
        for hop in reversed(forwarded.split(",")[-MAX_FORWARDED_HOPS:]):
            address = _address(hop)
            if address is None:
                return None  # a garbled entry: nothing left of it can be believed
            if not self._is_trusted(address):
                return _key(address)
        return None

    def client(self, request: Request) -> str:
        """The key the request is counted under (see the module's text)."""
        if request.client is None:  # a unix socket: a local reverse proxy, trusted
            return self._forwarded(request) or UNKNOWN
        peer = _address(request.client.host)
        if peer is None:
            return UNKNOWN
        if not self._is_trusted(peer):
            return _key(peer)
        return self._forwarded(request) or _key(peer)

    async def retry_after(self, request: Request) -> int | None:
        """Counts the request; None when it is within the budget, else the whole seconds until
        the client may ask again."""
        spent = await self.limiter.spend("public", self.rate.amount, self.rate.seconds, 1, self.client(request))
        return None if spent.allowed else spent.retry_after
