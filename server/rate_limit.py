"""Per-client rate limit of the public pages (GET /public/...): PUBLIC_RATE_LIMIT requests
(default 60 a minute) per client address, kept in this process's memory.

The budget is a token bucket per client: it holds at most N requests and refills at N per
period (60/minute: a burst of 60, then one a second). Each request costs O(1): one look-up in
an OrderedDict of at most MAX_CLIENTS buckets, the least recently seen dropped when it is full
(that client starts again with a full budget). Nothing sweeps over all clients, so a burst from
many addresses leaves later requests as cheap as before. Issue G brings a limiter shared by
every process (Redis); this one then stays for a single process without it.

The client address is the socket peer. X-Forwarded-For is believed only from a peer listed in
SURVEIL_TRUSTED_PROXIES (addresses or networks): then the client is the right-most address of
that header that is not itself a trusted proxy. A connection without a peer address (a unix
socket, which only a local reverse proxy can reach) is treated as from a trusted proxy. IPv6
clients are counted per /64 (one subscriber's network), so that a host with a whole prefix
cannot step around the limit."""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from starlette.requests import Request

MAX_CLIENTS = 50_000  # buckets kept: a few hundred bytes each, some 15 MB at most
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


class TokenBuckets:
    """A token bucket per key, in an OrderedDict capped at `max_keys` (least recently seen
    dropped). Not shared between processes; no awaits inside, so safe on one event loop."""

    def __init__(self, rate: Rate, max_keys: int = MAX_CLIENTS, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(rate.amount)
        self.refill = rate.amount / rate.seconds  # tokens a second
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, when)

    def hit(self, key: str) -> float | None:
        """Takes one token: None when there was one, else the seconds until there is."""
        now = self.clock()
        tokens, then = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + max(0.0, now - then) * self.refill)
        wait = None
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.refill
        self._buckets[key] = (tokens, now)  # now the most recently seen
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


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
    def __init__(self, rate: str, trusted_proxies: tuple[str, ...] = (), max_clients: int = MAX_CLIENTS) -> None:
        self.buckets = TokenBuckets(parse_rate(rate), max_clients)
        self.trusted = parse_networks(trusted_proxies)

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
        the client may ask again (async: a shared store will need to await)."""
        wait = self.buckets.hit(self.client(request))
        return None if wait is None else max(1, math.ceil(wait))
