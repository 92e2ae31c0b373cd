"""The per-request GraphQL context: who asks, their permissions, loaders, limits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from domain.tasks import OPEN, TaskStatus, aggregate_status
from resolvers import reference
from resolvers.loaders import Loaders
from schema import task_enums, task_types, types
from schema.relay import MAX_PAGE
from services.clock import local_date, today
from services.context import Session
from services.errors import BadInput, Unauthenticated
from services.factories import class_readable
from services.policy_sync import PolicySync
from services.results import queries as result_queries
from services.tasks import queries as task_queries


@dataclass
class GraphQLContext:
    session: Session | None
    sync: PolicySync
    request: object = None
    auth_error: str | None = None
    _loaders: Loaders | None = field(default=None, init=False)
    _codes: object = field(default=None, init=False)

    @property
    def require_session(self) -> Session:
        if self.session is None:
            raise Unauthenticated(self.auth_error or "sign in with a bearer token")
        return self.session

    @staticmethod
    def today():
        """The service's date today, for fields computed against it."""
        return today()

    @staticmethod
    def local_date(instant):
        """The service's calendar date of a stored instant."""
        return local_date(instant)

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders(self.require_session)
        return self._loaders

    async def present_factories(self, rows: list) -> list[types.Factory]:
        """GraphQL factories for a batch of rows: class visibility and responsible units are
        looked up once for the batch, not awaited field by field."""
        readable = await class_readable(self.require_session, rows)
        units = await self.loaders.unit.load_many([r.responsible_unit_id for r in rows])
        return [
            types.Factory.from_model(r, class_visible=r.id in readable, unit=u)
            for r, u in zip(rows, units, strict=True)
        ]

    async def present_tasks(self, rows: list) -> list[task_types.Task]:
        """GraphQL tasks for a batch of rows, internal-field visibility decided once per batch."""
        rows = [r for r in rows if r is not None]
        internal = await task_queries.internal_readable(self.require_session, rows)
        risk = await result_queries.risk_readable(self.require_session, rows)
        now = today()
        return [
            task_types.Task.from_model(
                r,
                internal=r.id in internal,
                overdue=r.due_on < now and TaskStatus(r.status) in OPEN,
                risk=r.id in risk,
            )
            for r in rows
        ]

    async def present_clauses(self, rows):
        return await reference.present_clauses(rows, await self._category_codes())

    async def present_schemes(self, rows):
        return await reference.present_schemes(rows, await self._category_codes())

    def _category_codes(self):
        # One look-up per request, shared by every task of a list (avoids an N+1).
        if self._codes is None:
            self._codes = asyncio.ensure_future(reference.category_codes())
        return self._codes

    @staticmethod
    def aggregate(children: list) -> task_enums.TaskStatus | None:
        status = aggregate_status(TaskStatus(c.status) for c in children)
        return task_enums.TaskStatus(status.value) if status else None

    @staticmethod
    def check_page_size(first: int | None, last: int | None) -> None:
        if first is None and last is None:
            raise BadInput("give `first` or `last`", "first")
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= MAX_PAGE:
                raise BadInput(f"`{name}` must be between 0 and {MAX_PAGE}", name)
