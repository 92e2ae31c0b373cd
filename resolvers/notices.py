"""The signed-in person's notices (issue 14): `notifications`, `unreadNotificationCount`,
`myNoticePreferences`, `markNotificationsRead`, `updateMyNoticePreferences`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.notice_presenter import present
from resolvers.plumbing import db_id, mutation, run
from resolvers.query import page_request
from schema import notice_types as t
from schema.relay import Connection, build_connection
from services.notices import inbox, preferences


def _preferences(found: preferences.Preferences) -> t.NoticePreferences:
    return t.NoticePreferences(
        email_enabled=found.email_enabled, muted_kinds=found.muted_kinds, email=found.email, language=found.language
    )


@strawberry.type
class NoticeQuery:
    @strawberry.field(
        description="通知 The signed-in person's own notices, newest first, in their language (their own, "
        "else Accept-Language, else Chinese)."
    )
    async def notifications(
        self,
        info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="Page size (at most 100)")] = 20,
        after: Annotated[str | None, strawberry.argument(description="endCursor of the previous page")] = None,
        unread_only: Annotated[bool, strawberry.argument(description="Only notices not marked read")] = False,
    ) -> Connection[t.Notification]:
        session = info.context.require_session
        wanted = page_request(info, first, after, None, None)
        before_id, count = wanted.after, wanted.count  # newest first: the cursor's id is an upper bound
        language = await inbox.reader_language(session, info.context.accept_language)
        page = await inbox.page(
            session, first=first, before_id=before_id, unread_only=unread_only, count=count, language=language
        )
        return build_connection(
            page.items, lambda e: present(e, language), page.total, page.has_next, after is not None
        )

    @strawberry.field(description="未读 How many of the signed-in person's notices are unread.")
    async def unread_notification_count(self, info: strawberry.Info) -> int:
        return await inbox.unread_count(info.context.require_session)

    @strawberry.field(description="通知偏好 The signed-in person's notice channels.")
    async def my_notice_preferences(self, info: strawberry.Info) -> t.NoticePreferences:
        return _preferences(await preferences.of(info.context.require_session))


@strawberry.type
class NoticeMutation:
    @mutation(description="标为已读 Mark some (ids) or all of the signed-in person's notices read; audited.")
    async def mark_notifications_read(
        self, info: strawberry.Info, input: t.MarkNotificationsReadInput
    ) -> t.MarkNotificationsReadPayload:
        session = info.context.require_session
        ids = [db_id(i, "Notification", "ids") for i in input.ids or []]
        left, errors = await run(inbox.mark_read(session, ids=ids, everything=input.all))
        return t.MarkNotificationsReadPayload(unread_count=left or 0, user_errors=errors)

    @mutation(
        description="通知偏好 Turn email on or off and mute kinds from email (the inbox always receives); audited."
    )
    async def update_my_notice_preferences(
        self, info: strawberry.Info, input: t.UpdateMyNoticePreferencesInput
    ) -> t.NoticePreferencesPayload:
        session = info.context.require_session
        found, errors = await run(
            preferences.update(session, email_enabled=input.email_enabled, muted_kinds=input.muted_kinds)
        )
        return t.NoticePreferencesPayload(preferences=_preferences(found) if found else None, user_errors=errors)
