"""The per-request GraphQL context: who asks, their permissions, loaders, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from domain.tasks import TaskStatus, aggregate_status
from resolvers.loaders import Loaders
from resolvers.presenters import Presenters
from schema import task_enums
from schema.relay import MAX_PAGE
from services.clock import local_date, today
from services.context import Session
from services.errors import BadInput, Unauthenticated
from services.policy_sync import PolicySync


@dataclass
class GraphQLContext:
    session: Session | None
    sync: PolicySync
    request: object = None
    auth_error: str | None = None
    _loaders: Loaders | None = field(default=None, init=False)

    @property
    def require_session(self) -> Session:
        if self.session is None:
            if self.auth_error:
                raise Unauthenticated(self.auth_error)
            raise Unauthenticated("sign in with a bearer token")
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

    @cached_property
    def present(self) -> Presenters:
        """Rows → GraphQL objects with this viewer's visibility (resolvers/presenters.py)."""
        return Presenters(self)

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
                raise BadInput("`{name}` must be between 0 and {limit}", name, name=name, limit=MAX_PAGE)
