"""Messages between the processes of one deployment (issue G): policy changes, subscription
events. Redis pub/sub when REDIS_URL is set; otherwise an in-process bus, which is all a single
process needs (SQLite on one host, tests without Redis).

A process holds one bus (`install` at start-up, `current()` anywhere). With Redis, one
connection per process subscribes to the deployment's namespace (`<namespace>:*`) and fans
each message out to this process's listeners; a message published here reaches this process's
listeners through Redis too, so every process sees the same order. Delivery is at most once:
while Redis is away messages are lost, `available` is False, and `on_reconnect` callbacks run
once it is back (a listener that must not miss anything reloads then, as the policy does).

Messages are JSON objects. A listener's queue is bounded: when it is full the oldest message is
dropped and the listener's `dropped` count grows (a slow subscriber never holds up the others)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger("surveil.bus")

LISTENER_QUEUE = 256  # messages a listener may fall behind before its oldest are dropped
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 2.0
REDIS_TIMEOUT_SECONDS = 2.0  # the subscriber's connect: longer counts as Redis away
PUBLISH_TIMEOUT_SECONDS = 0.25  # a publish waits no longer (it follows a commit, inside a request)
PUBLISH_PAUSE_SECONDS = 1.0  # after a failed publish, the next ones are dropped at once this long
HEALTH_CHECK_SECONDS = 5.0  # a subscription that heard nothing for this long pings Redis
PING_TIMEOUT_SECONDS = 3.0  # a ping (or a subscription) unanswered this long: Redis counts as away
POLL_SECONDS = 1.0  # how often the reader looks at the clock while the channel is quiet


class Listener:
    """Messages of one channel for one consumer, as an async iterator (`async for message in
    listener`). Leave it through `Bus.listen`'s context manager, which unregisters it."""

    def __init__(self, channel: str, size: int = LISTENER_QUEUE) -> None:
        self.channel = channel
        self.dropped = 0
        self._queue: asyncio.Queue[dict] = asyncio.Queue(size)

    def put(self, message: dict) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(message)

    def pending(self) -> list[dict]:
        """What has arrived and not been read, without waiting."""
        taken = []
        while not self._queue.empty():
            taken.append(self._queue.get_nowait())
        return taken

    def __aiter__(self) -> AsyncIterator[dict]:
        return self

    async def __anext__(self) -> dict:
        return await self._queue.get()


class LocalBus:
    """Delivers to this process's listeners only."""

    def __init__(self, namespace: str = "surveil") -> None:
        self.namespace = namespace
        self.failed_publishes = 0
        self._listeners: dict[str, set[Listener]] = {}
        self._reconnect_callbacks: list[Callable[[], Awaitable[None]]] = []

    @property
    def shared(self) -> bool:
        """Whether other processes hear this bus (False: one process only)."""
        return False

    @property
    def available(self) -> bool:
        return True

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def publish(self, channel: str, message: dict) -> bool:
        """Send `message` to every listener of `channel`; False (logged and counted, never raised)
        when it could not be sent. Call it after the commit of what it announces."""
        self._deliver(channel, message)
        return True

    @contextlib.asynccontextmanager
    async def listen(self, channel: str, size: int = LISTENER_QUEUE) -> AsyncIterator[Listener]:
        listener = Listener(channel, size)
        self._listeners.setdefault(channel, set()).add(listener)
        try:
            yield listener
        finally:
            listeners = self._listeners.get(channel, set())
            listeners.discard(listener)
            if not listeners:
                self._listeners.pop(channel, None)

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` each time the bus comes back after an outage (messages may be lost)."""
        self._reconnect_callbacks.append(callback)

    def _deliver(self, channel: str, message: dict) -> None:
        for listener in tuple(self._listeners.get(channel, ())):
            listener.put(message)

    async def _reconnected(self) -> None:
        for callback in self._reconnect_callbacks:
            try:
                await callback()
            except Exception:  # one failing callback must not keep the others from running
                log.exception("bus reconnect callback failed")


class RedisBus(LocalBus):
    """Redis pub/sub under `namespace`; see the module's description."""

    def __init__(self, url: str, namespace: str = "surveil") -> None:
        super().__init__(namespace)
        import redis.asyncio as redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # Two clients: publishing gives up after a timeout; the subscriber reads with its own
        # short waits and pings when idle (`_read_forever`), so a quiet channel is no outage and a
        # dead or hanging Redis (frozen, a partition without a reset) is noticed.
        self._client = redis.from_url(
            url,
            socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
            socket_timeout=PUBLISH_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),  # redis-py would retry 3 times: seconds inside a request
        )
        self._paused_until = 0.0
        self._subscriber = redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=PING_TIMEOUT_SECONDS
        )
        self._reader: asyncio.Task | None = None
        self._connected = asyncio.Event()

    @property
    def shared(self) -> bool:
        return True

    @property
    def available(self) -> bool:
        return self._connected.is_set()

    async def start(self, wait_seconds: float = REDIS_TIMEOUT_SECONDS) -> None:
        """Subscribe in the background; wait up to `wait_seconds` for the first connection (a
        process starts without Redis too, and joins once it answers)."""
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name="redis-bus")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), wait_seconds)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._client.aclose()
        await self._subscriber.aclose()

    async def publish(self, channel: str, message: dict) -> bool:
        # Never wait on a Redis known to be away, nor on one that just failed (a hung Redis would
        # otherwise cost every change its timeout).
        if not self.available or time.monotonic() < self._paused_until:
            self.failed_publishes += 1
            log.warning("bus message on %s not sent: Redis is unavailable", channel)
            return False
        try:
            data = json.dumps(message, separators=(",", ":"))
            await asyncio.wait_for(self._client.publish(f"{self.namespace}:{channel}", data), PUBLISH_TIMEOUT_SECONDS)
            return True
        except Exception as exc:
            self.failed_publishes += 1
            self._paused_until = time.monotonic() + PUBLISH_PAUSE_SECONDS
            log.warning("bus message on %s not sent: %s", channel, type(exc).__name__)
            return False

    async def _read_messages(self, pubsub, prefix: str) -> None:
        """Deliver messages until Redis fails or stops answering: after HEALTH_CHECK_SECONDS of
        silence a PING goes out, and no answer within PING_TIMEOUT_SECONDS raises TimeoutError."""
        loop = asyncio.get_running_loop()
        heard, pinged = loop.time(), None
        while True:
            item = await pubsub.get_message(timeout=POLL_SECONDS)
            now = loop.time()
            if item is not None:
                heard, pinged = now, None
                if item.get("type") == "pmessage":
                    message = _decoded(item["data"])
                    if message is not None:
                        self._deliver(_text(item["channel"]).removeprefix(prefix), message)
            elif pinged is not None and now - pinged > PING_TIMEOUT_SECONDS:
                raise TimeoutError("Redis did not answer a PING")
            elif pinged is None and now - heard > HEALTH_CHECK_SECONDS:
                await pubsub.ping()
                pinged = now

    async def _read_forever(self) -> None:
        delay = RECONNECT_FIRST_SECONDS
        prefix = f"{self.namespace}:"
        lost_before = False
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await pubsub.psubscribe(f"{_glob_escaped(prefix)}*")
                await _answered(pubsub, "psubscribe")  # a frozen Redis accepts the bytes, never answers
                self._connected.set()
                delay = RECONNECT_FIRST_SECONDS
                if lost_before:
                    log.info("bus: Redis is back")
                    await self._reconnected()
                await self._read_messages(pubsub, prefix)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._connected.is_set() or not lost_before:
                    log.warning("bus: Redis unavailable (%s); reconnecting", type(exc).__name__)
                self._connected.clear()
                lost_before = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


def _glob_escaped(text: str) -> str:
    """`text` matched literally in a Redis pattern (a namespace may hold `[`, `*`, `?`)."""
    return re.sub(r"([\\*?\[\]])", r"\\\1", text)


async def _answered(pubsub, kind: str) -> None:
    """Wait for Redis's confirmation of a (p)subscribe; TimeoutError when it does not come."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PING_TIMEOUT_SECONDS
    while loop.time() < deadline:
        item = await pubsub.get_message(timeout=max(deadline - loop.time(), 0.01))
        if item is not None and item.get("type") == kind:
            return
    raise TimeoutError(f"Redis did not confirm {kind}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _decoded(data: bytes | str) -> dict | None:
    """The message's JSON object, or None for junk (dropped: the reader stays up)."""
    try:
        message = json.loads(_text(data))
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def connect(redis_url: str | None, namespace: str = "surveil") -> LocalBus:
    """The bus the settings ask for: Redis when REDIS_URL is set, else this process only."""
    return RedisBus(redis_url, namespace) if redis_url else LocalBus(namespace)


_current: LocalBus = LocalBus()


def install(bus: LocalBus) -> None:
    """Make `bus` the process's bus (at start-up of the server, the worker or a CLI command)."""
    global _current
    _current = bus


def current() -> LocalBus:
    return _current
