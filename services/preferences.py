"""A person's own settings: the language they read errors and notices in (DOMAIN.md §8)."""

from __future__ import annotations

from typing import Any

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.notices import LANGUAGES
from services import audit_log
from services.context import Session
from services.runner import Work, command
from store.models import User


async def _oneself(session: Session, arguments: dict[str, Any]) -> None:
    """Everyone signed in sets their own preferences, and only their own: nothing to check."""


@command(authorize=_oneself)
async def set_my_language(work: Work, *, language: str | None) -> User:
    """`language` one of LANGUAGES, or None to follow the browser's Accept-Language."""
    if language is not None and language not in LANGUAGES:
        raise DomainError(ErrorCode.INVALID, "the language is one of {languages}", ("language",),
                          languages=", ".join(LANGUAGES))  # fmt: skip
    user = await User.get(id=work.user.actor.user_id)
    if user.language == language:
        work.nothing_changed()
        return user
    before = {"language": user.language}
    await User.filter(id=user.id).update(language=language)
    user.language = language
    await audit_log.record(AuditAction.USER_LANGUAGE, "User", user.id, before=before, after={"language": language})
    return user
