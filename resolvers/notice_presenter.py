"""A notice as its reader sees it: title and body rendered in the reader's language (shared by
the inbox connection and node(id))."""

from __future__ import annotations

import strawberry

from schema import notice_types as t
from schema.relay import to_global_id
from services.notices import inbox


def present(entry, language: str) -> t.Notification:
    title, body = inbox.text(entry, language)
    subject = to_global_id(entry.subject_type, entry.subject_id) if entry.subject_id is not None else None
    return t.Notification(
        id=strawberry.ID(to_global_id("Notification", entry.id)),
        kind=entry.kind,
        title=title,
        body=body,
        language=language,
        subject_type=entry.subject_type,
        subject_id=subject,
        created_at=entry.created_at,
        read_at=entry.read_at,
    )
