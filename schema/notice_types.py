"""Notices in GraphQL (issue 14): the inbox, each person's channels, partner webhooks and
the dead letters. Notice kinds are their codes (`inspection.prenotified`, domain/notices.py)."""

from __future__ import annotations

import datetime as dt

import strawberry

from domain.notices import Channel as DomainChannel
from domain.notices import NoticeKind as DomainNoticeKind
from schema.enums import _mirror
from schema.idempotency import idempotency_key_field
from schema.relay import Node
from schema.types import UserError

NoticeKind = _mirror(
    DomainNoticeKind,
    "NoticeKind",
    "通知类型 What a notice is about; each value's code (`inspection.prenotified`) is shown with it.",
    {m.name: f"Code `{m.value}`" for m in DomainNoticeKind},
)
NoticeChannel = _mirror(DomainChannel, "NoticeChannel", "通知渠道 How a notice reaches a person or system.", {
    "INBOX": "站内 The in-app inbox (always on)",
    "EMAIL": "邮件 Email to the person",
    "WEBHOOK": "A partner system's registered endpoint",
})  # fmt: skip
KIND_CODE = "通知类型 The notice kind as an enum; null for a kind retired since."
DEPRECATED_KIND = "Use kindCode, an enum."


def notice_kind(code: str):
    try:
        return NoticeKind(code)
    except ValueError:
        return None


KIND = "通知类型 The notice kind's code, e.g. `inspection.prenotified` (see NoticeKind in domain/notices.py)"


@strawberry.type(description="通知 One notice in the signed-in person's inbox, in the reader's language.")
class Notification(Node):
    kind: str = strawberry.field(description=KIND, deprecation_reason=DEPRECATED_KIND)
    title: str = strawberry.field(
        description="标题 In the reader's language: their own, else Accept-Language, else Chinese"
    )
    body: str = strawberry.field(description="正文 In the same language as the title")
    language: str = strawberry.field(description="The language title and body are in: zh or en")
    subject_type: str = strawberry.field(description="What the notice is about: Task, Certificate, ...")
    subject_id: strawberry.ID | None = strawberry.field(description="The subject's global ID, for node(id:)")
    created_at: dt.datetime = strawberry.field(description="When the change that caused it happened")
    read_at: dt.datetime | None = strawberry.field(description="已读 When the reader marked it read; null: unread")

    @strawberry.field(description=KIND_CODE)
    def kind_code(self) -> NoticeKind | None:  # type: ignore[valid-type]
        return notice_kind(self.kind)


@strawberry.type(description="通知偏好 How the signed-in person is told. The inbox always receives every notice.")
class NoticePreferences:
    email_enabled: bool = strawberry.field(description="邮件通知 Email on (the default when an address is known)")
    muted_kinds: list[str] = strawberry.field(
        description="Notice kinds never emailed; they still reach the inbox (muting hides email only)"
    )
    email: str | None = strawberry.field(description="The address email goes to (set by an administrator)")
    language: str | None = strawberry.field(description="The person's language for notices: zh, en, or null")


@strawberry.input(description="Change the signed-in person's notice channels; omitted fields stay as they are.")
class UpdateMyNoticePreferencesInput:
    email_enabled: bool | None = strawberry.field(default=None, description="Email on or off")
    muted_kinds: list[str] | None = strawberry.field(
        default=None, description="The whole list of kinds never emailed (replaces the previous list)"
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The person's notice channels after the change.")
class NoticePreferencesPayload:
    preferences: NoticePreferences | None = strawberry.field(description="The channels now")
    user_errors: list[UserError]


@strawberry.input(description="标为已读 Mark the signed-in person's own notices read.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Notifications to mark (at most 100); someone else's id is NOT_FOUND"
    )
    all: bool = strawberry.field(default=False, description="Mark every unread notice of the person read")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The unread count after marking.")
class MarkNotificationsReadPayload:
    unread_count: int = strawberry.field(description="未读 The person's unread notices left")
    user_errors: list[UserError]


@strawberry.type(description="Webhook 接收端 A partner system's receiver of signed notices (docs/webhooks.md).")
class WebhookEndpoint:
    id: strawberry.ID = strawberry.field(description="The endpoint's ID, for deactivateWebhookEndpoint")
    unit_code: str = strawberry.field(description="The unit whose notices it receives")
    url: str = strawberry.field(description="Where the POSTs go")
    kinds: list[str] = strawberry.field(description="Subscribed notice kinds (codes)")
    active: bool = strawberry.field(description="False once deactivated: no more deliveries")
    created_at: dt.datetime = strawberry.field(description="When it was registered")


@strawberry.input(description="Register a partner system's webhook for a unit (HQ's administrators).")
class RegisterWebhookEndpointInput:
    unit_code: str = strawberry.field(description="The unit (staff unit or enterprise) whose notices it receives")
    url: str = strawberry.field(description="The receiver's URL: https (http only outside production)")
    kinds: list[str] = strawberry.field(description="Notice kinds (codes) to send it")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The registered endpoint and its signing secret, shown this once.")
class RegisterWebhookEndpointPayload:
    NOT_REPLAYED = ("secret",)  # a replayed request never shows the secret again (resolvers/replay.py)
    endpoint: WebhookEndpoint | None = strawberry.field(description="The endpoint")
    user_errors: list[UserError]
    secret: str | None = strawberry.field(
        default=None,
        description="签名密钥 The HMAC-SHA256 key for X-Surveil-Signature: shown only in this answer, never again",
    )


@strawberry.input(description="Stop sending to a webhook endpoint (HQ's administrators).")
class DeactivateWebhookEndpointInput:
    endpoint_id: strawberry.ID = strawberry.field(description="The endpoint's ID")
    reason: str | None = strawberry.field(default=None, description="Why, for the audit trail")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The endpoint after the change.")
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = strawberry.field(description="The endpoint")
    user_errors: list[UserError]


@strawberry.type(description="死信 A delivery whose every attempt failed (HQ's administrators).")
class DeadNotice:
    id: strawberry.ID = strawberry.field(description="The delivery's ID, for retryDeadNotice")
    delivery_key: str = strawberry.field(description="The key the receiver deduplicates on; kept on retry")
    channel: str = strawberry.field(description="EMAIL or WEBHOOK", deprecation_reason="Use channelCode, an enum.")
    kind: str = strawberry.field(description=KIND, deprecation_reason=DEPRECATED_KIND)
    target: str = strawberry.field(description="The person's login (email) or the endpoint's URL (webhook)")
    attempts: int = strawberry.field(description="Attempts made")
    last_error: str | None = strawberry.field(description="Why the last attempt failed (short, no secrets)")
    occurred_at: dt.datetime = strawberry.field(description="When the notified change happened")

    @strawberry.field(description="通知渠道 The channel as an enum: EMAIL or WEBHOOK.")
    def channel_code(self) -> NoticeChannel:  # type: ignore[valid-type]
        return NoticeChannel(self.channel)

    @strawberry.field(description=KIND_CODE)
    def kind_code(self) -> NoticeKind | None:  # type: ignore[valid-type]
        return notice_kind(self.kind)


@strawberry.input(description="Send a dead letter again (HQ's administrators).")
class RetryDeadNoticeInput:
    id: strawberry.ID = strawberry.field(description="The dead notice's ID")
    reason: str | None = strawberry.field(default=None, description="Why, for the audit trail")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The delivery, pending again.")
class RetryDeadNoticePayload:
    delivery_key: str | None = strawberry.field(description="The delivery's key (unchanged)")
    user_errors: list[UserError]
