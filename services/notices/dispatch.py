"""One pass of the worker over the notices: fan out new events, then send what is due.

A failing or slow receiver never blocks the others: each send has its own timeout, at most
`concurrency` are in flight, and each is settled on its own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.notice_delivery import Failed
from services.notices.claims import claim_due, settle
from services.notices.config import DeliveryConfig
from services.notices.fanout import fan_out, pending_events
from services.notices.sending import send


@dataclass
class PassResult:
    fanned_out: int = 0  # events
    outcomes: dict[str, int] = field(default_factory=dict)  # SENT / PENDING (retry later) / DEAD / DROPPED


async def fan_out_pending(now: datetime | None = None) -> int:
    done = 0
    for event_id in await pending_events():
        await fan_out(event_id=event_id, now=now)
        done += 1
    return done


async def deliver_due(config: DeliveryConfig, now: datetime | None = None) -> dict[str, int]:
    now = now or datetime.now(UTC)
    claimed = await claim_due(now=now, config=config)
    gate = asyncio.Semaphore(max(1, config.concurrency))
    outcomes: dict[str, int] = {}

    async def one(delivery_id: int) -> None:
        async with gate:
            try:
                failed = await asyncio.wait_for(send(delivery_id, config), config.send_timeout_seconds + 5)
            except TimeoutError:
                failed = Failed("the send timed out")
            outcome = await settle(delivery_id=delivery_id, failed=failed, now=now, config=config)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    await asyncio.gather(*(one(i) for i in claimed))
    return outcomes


async def run_pass(config: DeliveryConfig, now: datetime | None = None) -> PassResult:
    result = PassResult()
    result.fanned_out = await fan_out_pending(now)
    result.outcomes = await deliver_due(config, now)
    return result
