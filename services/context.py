"""Who is acting, and what the policy lets them do during one request."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from domain.errors import noun
from policies.authorizer import Authorizer, Decision, unit_domain
from services.calendar import WorkCalendar, default_calendar
from services.errors import Forbidden
from store.blobs import BlobStore
from store.reports import ReportStore
from store.units import unit_ids_by_code


@dataclass(frozen=True)
class Actor:
    user_id: int
    login: str
    unit_code: str
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    unit_kind: str = ""  # the unit's UnitKind (server/budgets.py tells kinds of users apart by it)


SYSTEM_ACTOR = Actor(user_id=0, login="system", unit_code="hq")


class Permissions:
    """Per-request view of the policy. Scopes are computed once per (action, kind) and
    turned into unit ids with one query per request, so lists filter in SQL and per-row
    field checks are set look-ups, never an enforce per row."""

    def __init__(self, authorizer: Authorizer, actor: Actor) -> None:
        self.authorizer = authorizer
        self.actor = actor
        self._domains: dict[tuple[str, str], frozenset[str]] = {}
        self._ids: asyncio.Future[dict[str, int]] | None = None

    def domains(self, action: str, kind: str) -> frozenset[str]:
        key = (action, kind)
        if key not in self._domains:
            self._domains[key] = self.authorizer.scope(self.actor.user_id, action, kind)
        return self._domains[key]

    async def unit_ids(self, action: str, kind: str) -> frozenset[int]:
        ids = await self._unit_ids_by_domain()
        return frozenset(ids[d] for d in self.domains(action, kind) if d in ids)

    def _unit_ids_by_domain(self) -> asyncio.Future[dict[str, int]]:
        # One query per request maps every domain the user can reach to unit ids. Many
        # resolvers of one response ask at once, so they share the one in-flight look-up.
        if self._ids is None:
            self._ids = asyncio.ensure_future(self._lookup(self.authorizer.reachable(self.actor.user_id)))
        return self._ids

    @staticmethod
    async def _lookup(domains: frozenset[str]) -> dict[str, int]:
        if not domains:
            return {}
        found = await unit_ids_by_code([d.removeprefix("unit:") for d in domains])
        return {f"unit:{code}": unit_id for code, unit_id in found.items()}

    def decide(self, action: str, kind: str, unit_codes: list[str]) -> Decision:
        return self.authorizer.decide(self.actor.user_id, action, kind, [unit_domain(c) for c in unit_codes if c])

    def require(self, action: str, kind: str, unit_codes: list[str]) -> Decision:
        decision = self.decide(action, kind, unit_codes)
        if not decision.allowed:
            raise Forbidden("you may not {action} this {kind}", action=action, kind=noun(kind))
        return decision


@dataclass(frozen=True)
class ServiceConfig:
    north_china: tuple[str, ...]
    document_dir: str = "data/documents"
    max_upload_bytes: int = 20 * 1024 * 1024
    max_import_rows: int = 20_000  # rows of one registry import through GraphQL (the CLI has no limit)
    lab_turnaround_working_days: int = 20
    correction_months: int = 3
    suspension_months: int = 6
    production: bool = False  # production-only rules (webhooks over https only)
    # The official working-day calendar (public holidays, 调休 make-up days), built once at start-up.
    calendar: WorkCalendar = field(default_factory=default_calendar, compare=False)

    @cached_property
    def blobs(self) -> BlobStore:
        """The document store, built once with the configuration (an adapter, not per request)."""
        return BlobStore(self.document_dir)

    @cached_property
    def import_reports(self) -> ReportStore:
        """Error reports of imports, downloadable by whoever ran the import."""
        return ReportStore(Path(self.document_dir) / "import-reports")


@dataclass
class Session:
    """Everything a use case needs to know about the caller and the configuration."""

    actor: Actor
    perms: Permissions
    config: ServiceConfig
    # The language the caller reads (services/i18n, choose_language): their own preference, else
    # the request's Accept-Language, else Chinese. Decided once, where the session is made.
    language: str = "zh"

    @classmethod
    def for_actor(cls, actor: Actor, authorizer: Authorizer, config: ServiceConfig, language: str = "zh") -> Session:
        return cls(actor, Permissions(authorizer, actor), config, language)
