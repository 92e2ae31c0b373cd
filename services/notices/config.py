"""How the worker delivers: SMTP, webhook limits, retries. Built once from the settings
(server/worker.py); no secret of it is ever written to a delivery or a log line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryConfig:
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "surveil@localhost"
    smtp_starttls: bool = False  # upgrade a plain connection (port 587)
    smtp_tls: bool = False  # TLS from the first byte (port 465)
    send_timeout_seconds: float = 10.0  # the whole email or webhook POST: a slow receiver blocks nothing else
    retry_base_seconds: float = 30.0  # the first retry after this, then doubling (with jitter)
    retry_max_seconds: float = 3600.0
    max_attempts: int = 8  # after the last failed attempt the delivery is dead
    lease_seconds: float = 120.0  # a claimed delivery whose worker died is sent again after this
    batch_size: int = 50  # deliveries claimed per pass (each just before its send)
    concurrency: int = 4  # sends of one pass in flight at once (at most one per endpoint or email domain)
    pass_seconds: float = 60.0  # no new claim after this long in one pass (new events wait no longer)
    https_only: bool = False  # production: webhooks only to https URLs
    external_only: bool = False  # production: webhooks never to internal addresses (services/notices/webhook_urls.py)
