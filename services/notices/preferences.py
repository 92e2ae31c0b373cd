"""Each person's notice channels: email on or off, and kinds muted from email.

Without a saved preference, email is on when the person has an address. Muting hides a kind
from email only: the inbox always receives every notice (it is where a person can always look
up what they were told). Changes are audited."""

from __future__ import annotations

from dataclasses import dataclass

from domain.audit_events import AuditAction
from domain.errors import DomainError, ErrorCode
from domain.notices import NoticeKind
from services import audit_log
from services.context import Session
from services.i18n import known_language
from services.notices.inbox import _any_signed_in_person
from services.runner import Work, command
from store.models import NoticePreference, User

KINDS = {k.value for k in NoticeKind}


@dataclass(frozen=True)
class Preferences:
    email_enabled: bool
    muted_kinds: list[str]
    email: str | None
    language: str | None


async def of(session: Session) -> Preferences:
    user = await User.get(id=session.actor.user_id)
    pref = await NoticePreference.filter(user_id=user.id).first()
    enabled = pref.email_enabled if pref else True
    return Preferences(enabled, sorted(pref.muted_kinds) if pref else [], user.email, known_language(user.language))


@command(authorize=_any_signed_in_person)
async def update(work: Work, *, email_enabled: bool | None, muted_kinds: list[str] | None) -> Preferences:
    person = work.user.actor.user_id
    if muted_kinds is not None:
        unknown = [i for i, kind in enumerate(muted_kinds) if kind not in KINDS]
        if unknown:
            raise DomainError(ErrorCode.INVALID, "not a notice kind", ("mutedKinds", str(unknown[0])))
    pref, _ = await NoticePreference.get_or_create(user_id=person, defaults={"email_enabled": True, "muted_kinds": []})
    before = {"emailEnabled": pref.email_enabled, "mutedKinds": sorted(pref.muted_kinds)}
    if email_enabled is not None:
        pref.email_enabled = email_enabled
    if muted_kinds is not None:
        pref.muted_kinds = sorted(set(muted_kinds))
    await pref.save()
    after = {"emailEnabled": pref.email_enabled, "mutedKinds": pref.muted_kinds}
    await audit_log.record(AuditAction.NOTICE_PREFERENCES, "Person", person, before=before, after=after)
    return await of(work.user)
