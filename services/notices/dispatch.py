"""One pass of the worker over the notices: fan out new events, then send what is due.

Fan-out: each event on its own; one that fails is logged with its id and skipped by the rest
of the pass; after `FANOUT_ATTEMPTS` failed passes it is set aside (logged as such, at ERROR)
and no longer retried by this worker process. It never blocks the events after it, nor the
deliveries.

Sending: `concurrency` lanes, each claiming one delivery just before sending it (a claim never
waits in a queue, so its lease runs from the send), at most one send in flight per target (a
webhook endpoint, an email domain), the other targets' deliveries going first. A target whose
send failed and is to be retried (PENDING) is not tried again in this pass (its other
deliveries wait, uncounted, for the next); after SENT, DROPPED (nobody to send to) or DEAD it
is free at once. Each send is cut off at `send_timeout_seconds` (transports), and a pass
claims at most `batch_size` deliveries and none after `pass_seconds`."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain.notice_delivery import DeliveryStatus, Failed
from services.notices.claims import Busy, claim_next, settle
from services.notices.config import DeliveryConfig
from services.notices.fanout import fan_out, pending_events
from services.notices.sending import send

log = logging.getLogger("surveil.notices")

FANOUT_ATTEMPTS = 5  # failed passes before an event is set aside


@dataclass
class PassResult:
    fanned_out: int = 0  # events
    outcomes: dict[str, int] = field(default_factory=dict)  # SENT / PENDING (retry later) / DEAD / DROPPED


@dataclass
class FanOutFailures:
    """Events whose fan-out failed, by id: how many passes failed (kept by the worker process)."""

    counts: dict[int, int] = field(default_factory=dict)

    def set_aside(self) -> list[int]:
        return [event_id for event_id, n in self.counts.items() if n >= FANOUT_ATTEMPTS]


async def fan_out_pending(now: datetime | None = None, failures: FanOutFailures | None = None) -> int:
    failures = failures if failures is not None else FanOutFailures()
    done = 0
    for event_id in await pending_events(exclude=failures.set_aside()):
        try:
            await fan_out(event_id=event_id, now=now)
        except Exception:  # a poison event (an audience no release understands): set aside, not blocking
            count = failures.counts[event_id] = failures.counts.get(event_id, 0) + 1
            if count >= FANOUT_ATTEMPTS:
                log.exception("outbox event %s failed to fan out %d times: set aside, not retried", event_id, count)
            else:
                log.exception("outbox event %s failed to fan out (attempt %d)", event_id, count)
            continue
        done += 1
    return done


async def deliver_due(config: DeliveryConfig, now: datetime | None = None) -> dict[str, int]:
    started, start = time.monotonic(), now or datetime.now(UTC)
    outcomes: dict[str, int] = {}
    in_flight: set[tuple[str, int | str]] = set()
    claiming = asyncio.Lock()  # one claim at a time, so two lanes never pick one target
    claims_left = max(1, config.batch_size)

    def clock() -> datetime:  # the pass's `now` (tests move it), advancing with the real time
        return start + timedelta(seconds=time.monotonic() - started)

    async def lane() -> None:
        nonlocal claims_left
        while claims_left > 0 and time.monotonic() - started < config.pass_seconds:
            async with claiming:
                busy = Busy(
                    endpoints=frozenset(int(t) for kind, t in in_flight if kind == "endpoint"),
                    domains=frozenset(str(t) for kind, t in in_flight if kind == "domain"),
                )
                claim = await claim_next(now=clock(), config=config, busy=busy)
                if claim is None:
                    return
                claims_left -= 1
                in_flight.add(claim.target)
            failure = await _send(claim.delivery_id, config)
            outcome = await settle(delivery_id=claim.delivery_id, failed=failure, now=clock(), config=config)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome != DeliveryStatus.PENDING:  # only a target to retry stays busy for the pass
                in_flight.discard(claim.target)

    await asyncio.gather(*(lane() for _ in range(max(1, config.concurrency))))
    return outcomes


async def _send(delivery_id: int, config: DeliveryConfig) -> Failed | None:
    try:  # the transports keep the real deadline; this one only guards against a stuck database
        return await asyncio.wait_for(send(delivery_id, config), config.send_timeout_seconds + 5)
    except TimeoutError:
        return Failed("the send timed out")


async def run_pass(
    config: DeliveryConfig, now: datetime | None = None, failures: FanOutFailures | None = None
) -> PassResult:
    result = PassResult()
    result.fanned_out = await fan_out_pending(now, failures)
    result.outcomes = await deliver_due(config, now)
    return result
