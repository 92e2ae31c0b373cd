"""`surveil worker`: delivers notices and runs the periodic jobs (issue 14).

Each pass fans out new outbox events, sends the deliveries that are due (services/notices)
and, every `SURVEIL_WORKER_PERIODIC_SECONDS`, runs the jobs of `periodic_jobs` (each
`async def job(now) -> int`, idempotent: the reminders send each reminder once per threshold,
so a missed run catches up). SIGTERM or SIGINT stops it after the current pass: sends in
flight finish and are settled. Several workers may run at once (PostgreSQL claims rows with
SKIP LOCKED); a worker killed mid-send leaves its deliveries to be sent again, same key."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from server.settings import Settings
from services.calendar import build_calendar
from services.notices.config import DeliveryConfig
from services.notices.dispatch import FanOutFailures, PassResult, run_pass
from services.notices.reminders import send_due_reminders

log = logging.getLogger("surveil.worker")

PeriodicJob = Callable[[datetime], Awaitable[int]]


def periodic_jobs(settings: Settings) -> list[PeriodicJob]:
    """The worker's schedule: the deadline reminders (services/notices/reminders.py), with the
    lab turnaround and the official calendar the rest of the service uses."""
    calendar = build_calendar(settings.holidays_file)

    async def deadline_reminders(now: datetime) -> int:
        return await send_due_reminders(
            now=now, lab_turnaround_working_days=settings.lab_turnaround_working_days, calendar=calendar
        )

    return [deadline_reminders]


def delivery_config(settings: Settings) -> DeliveryConfig:
    return DeliveryConfig(
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password,
        smtp_from=settings.smtp_from,
        smtp_starttls=settings.smtp_starttls,
        smtp_tls=settings.smtp_tls,
        send_timeout_seconds=settings.notice_timeout_seconds,
        retry_base_seconds=settings.notice_retry_base_seconds,
        retry_max_seconds=settings.notice_retry_max_seconds,
        max_attempts=settings.notice_max_attempts,
        https_only=settings.production,
        external_only=settings.production,
    )


class Worker:
    def __init__(self, settings: Settings, config: DeliveryConfig | None = None, jobs: list | None = None) -> None:
        self.settings = settings
        self.config = config or delivery_config(settings)
        self.jobs = periodic_jobs(settings) if jobs is None else jobs
        self.stopping = asyncio.Event()
        self._periodic_at = 0.0
        self.fan_out_failures = FanOutFailures()  # poison events: set aside after a few failed passes

    async def run_once(self, now: datetime | None = None, *, periodic: bool = True) -> PassResult:
        """One pass; `now` for tests (due deliveries, backoff and the jobs' clock)."""
        result = await run_pass(self.config, now, self.fan_out_failures)
        if periodic:
            for job in self.jobs:
                try:
                    await job(now or datetime.now(UTC))
                except Exception:  # one failing job must not stop deliveries or the other jobs
                    log.exception("periodic job %s failed", getattr(job, "__name__", job))
        return result

    async def run_forever(self) -> None:
        log.info("worker started: polling every %ss", self.settings.worker_poll_seconds)
        while not self.stopping.is_set():
            due = time.monotonic() >= self._periodic_at
            if due:
                self._periodic_at = time.monotonic() + self.settings.worker_periodic_seconds
            try:
                result = await self.run_once(periodic=due)
                if result.fanned_out or result.outcomes:
                    log.info("fanned out %d event(s); deliveries %s", result.fanned_out, result.outcomes)
            except Exception:  # the database away for a moment: try again next pass
                log.exception("worker pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.settings.worker_poll_seconds)
        log.info("worker stopped")

    def stop(self) -> None:
        self.stopping.set()


async def serve(settings: Settings) -> None:
    from store import bus as process_bus
    from store.readiness import ready_database

    worker = Worker(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    bus = process_bus.connect(settings.redis_url, settings.redis_namespace)  # inbox writes announced (issue G)
    process_bus.install(bus)
    await bus.start()
    try:
        async with ready_database(settings.database_url):
            await worker.run_forever()
    finally:
        await bus.close()
