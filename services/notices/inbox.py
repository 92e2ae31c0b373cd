"""The in-app inbox (issue 14): each person reads and marks only their own notices.

Titles and bodies are rendered when read, in the reader's language: their own preference
(`app_user.language`), else the request's Accept-Language, else Chinese. Muting a kind in the
preferences silences its email only: the inbox always receives every notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from services import audit_log
from services.context import Session
from services.i18n import choose_language, known_language
from services.notices.render import render
from services.runner import Work, command
from store.models import Notification, User

MAX_IDS = 100


@dataclass(frozen=True)
class InboxPage:
    items: list[Notification]
    total: int
    has_next: bool
    language: str


async def reader_language(session: Session, accept_language: str | None) -> str:
    preference = await User.filter(id=session.actor.user_id).first().values_list("language", flat=True)
    return choose_language(known_language(preference), accept_language)


async def page(
    session: Session, *, first: int, before_id: int | None, unread_only: bool, count: bool, language: str
) -> InboxPage:
    """Newest first; `before_id` is the cursor (the last entry of the previous page)."""
    own = Notification.filter(user_id=session.actor.user_id)
    if unread_only:
        own = own.filter(read_at=None)
    total = await own.count() if count else -1
    window = own.filter(id__lt=before_id) if before_id is not None else own
    rows = list(await window.order_by("-id").limit(first + 1))
    return InboxPage(rows[:first], total, len(rows) > first, language)


def text(entry: Notification, language: str) -> tuple[str, str]:
    return render(entry.kind, entry.params or {}, language)


async def unread_count(session: Session) -> int:
    return await Notification.filter(user_id=session.actor.user_id, read_at=None).count()


async def own_entries(session: Session, ids: list[int]) -> list[Notification]:
    return list(await Notification.filter(user_id=session.actor.user_id, id__in=ids))


async def _any_signed_in_person(session: Session, arguments: dict) -> None:
    """Everyone acts on their own inbox and preferences only; the handler filters by them."""


@command(authorize=_any_signed_in_person)
async def mark_read(work: Work, *, ids: list[int], everything: bool) -> int:
    """Mark the caller's entries read (`ids`, or all of them); returns the unread count left.
    An id that is not one of the caller's answers like a missing one (NOT_FOUND)."""
    person = work.user.actor.user_id
    if not everything and not ids:
        raise DomainError(ErrorCode.REQUIRED, "give ids, or all: true", ("ids",))
    if len(ids) > MAX_IDS:
        raise DomainError(ErrorCode.INVALID, "at most {limit} ids at once", ("ids",), limit=MAX_IDS)
    unread = Notification.filter(user_id=person, read_at=None)
    if not everything:
        found = set(await Notification.filter(user_id=person, id__in=ids).values_list("id", flat=True))
        missing = [i for i, value in enumerate(ids) if value not in found]
        if missing:
            raise DomainError(ErrorCode.NOT_FOUND, "no such notification", ("ids", str(missing[0])))
        unread = unread.filter(id__in=ids)
    changed = await unread.update(read_at=datetime.now(UTC))
    if changed:
        after = {"count": changed, "all": everything}
        await audit_log.record(AuditAction.NOTICE_READ, "Person", person, after=after)
    else:
        work.nothing_changed()
    return await Notification.filter(user_id=person, read_at=None).count()


async def entries_of_event(session: Session, event_id: int) -> list[Notification]:
    """The caller's own inbox entries written for one outbox event (a live update re-reads them)."""
    return list(await Notification.filter(user_id=session.actor.user_id, event_id=event_id).order_by("id"))
