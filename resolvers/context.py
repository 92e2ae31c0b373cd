"""The per-request GraphQL context: who asks, their permissions, loaders, limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property

from domain.public_status import public_url
from domain.tasks import TaskStatus, aggregate_status
from resolvers.loaders import Loaders
from resolvers.presenters import Presenters
from schema import task_enums
from schema.relay import MAX_PAGE
from services.clock import local_date, today
from services.context import Session
from services.errors import BadInput, Unauthenticated
from services.i18n import accept_language_of, choose_language
from services.i18n.errors import message_of
from services.policy_sync import PolicySync


@dataclass
class GraphQLContext:
    session: Session | None
    sync: PolicySync
    request: object = None
    auth_error: str | None = None
    public_base_url: str | None = None  # PUBLIC_BASE_URL, else this request's base URL (server/graphql_view.py)
    # Websockets: the connection's token checked again (expiry, deactivation, current roles);
    # None when it no longer signs in (server/live_ws.py).
    reauthenticate: Callable[[], Awaitable[Session | None]] | None = None
    heartbeat_seconds: float = 30.0  # a subscription re-checks its reader at least this often
    _loaders: Loaders | None = field(default=None, init=False)

    @cached_property
    def language(self) -> str:
        """What this request reads: the session's choice (services/i18n, choose_language), or for
        an anonymous caller the Accept-Language header, else Chinese."""
        if self.session is not None:
            return self.session.language
        return choose_language(None, self.accept_language)

    @cached_property
    def accept_language(self) -> str | None:
        """This request's Accept-Language, repeated headers joined (services/i18n)."""
        return accept_language_of(getattr(self.request, "headers", None))

    def error_message(self, error: BaseException) -> str:
        """A user error (or any error carrying a template) in this request's language."""
        return message_of(error, self.language)

    async def renewed_session(self) -> Session | None:
        """For a subscription event: the reader as they are now (their current permissions), with
        fresh loaders, so the event is re-read as a query would read it; None: signed out."""
        session = await self.reauthenticate() if self.reauthenticate is not None else self.session
        self.session = session
        self._loaders = None
        self.__dict__.pop("present", None)
        return session

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

    def public_status_url(self, number: str) -> str | None:
        """The public status page of a certificate number (domain/public_status.py)."""
        return public_url(self.public_base_url, number) if self.public_base_url else None

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
