"""HQ's administrators and the notices' plumbing (issue 14): partner webhooks and dead letters."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.plumbing import db_id, mutation, run
from resolvers.query import page_request
from schema import notice_types as t
from schema.relay import Connection, build_connection, to_global_id
from services.context import Session
from services.errors import Forbidden
from services.notices import dead_letters, webhook_admin


def endpoint(row) -> t.WebhookEndpoint:
    return t.WebhookEndpoint(
        id=strawberry.ID(to_global_id("WebhookEndpoint", row.id)),
        unit_code=row.unit.code,
        url=row.url,
        kinds=list(row.kinds or []),
        active=row.active,
        created_at=row.created_at,
    )


def dead_notice(row) -> t.DeadNotice:
    target = row.endpoint.url if row.endpoint_id else (row.user.login if row.user_id else "")
    return t.DeadNotice(
        id=strawberry.ID(to_global_id("NoticeDelivery", row.id)),
        delivery_key=row.delivery_key,
        channel=row.channel,
        kind=row.event.kind,
        target=target,
        attempts=row.attempts,
        last_error=row.last_error,
        occurred_at=row.event.created_at,
    )


def _production(session: Session) -> bool:
    return session.config.production


@strawberry.type
class NoticeAdminQuery:
    @strawberry.field(description="Webhook 接收端 Every partner webhook (HQ's administrators; FORBIDDEN to others).")
    async def webhook_endpoints(self, info: strawberry.Info) -> list[t.WebhookEndpoint]:
        session = info.context.require_session
        if not webhook_admin.may_manage(session):
            raise Forbidden("only HQ's administrators manage webhooks")
        return [endpoint(r) for r in await webhook_admin.endpoints(session)]

    @strawberry.field(
        description="死信 Deliveries whose every attempt failed (HQ's administrators; FORBIDDEN to others)."
    )
    async def dead_notices(
        self,
        info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="Page size (at most 100)")] = 20,
        after: Annotated[str | None, strawberry.argument(description="endCursor of the previous page")] = None,
    ) -> Connection[t.DeadNotice]:
        session = info.context.require_session
        if not dead_letters.may_manage(session):
            raise Forbidden("only HQ's administrators read the dead letters")
        wanted = page_request(info, first, after, None, None)
        after_id, count = wanted.after, wanted.count
        rows, total, has_next = await dead_letters.page(session, first=first, after_id=after_id, count=count)
        return build_connection(rows, dead_notice, total, has_next, after is not None)


@strawberry.type
class NoticeAdminMutation:
    @mutation(
        description="Register a partner system's webhook for a unit; the answer shows its signing secret once "
        "(HQ's administrators; audited, never the secret)."
    )
    async def register_webhook_endpoint(
        self, info: strawberry.Info, input: t.RegisterWebhookEndpointInput
    ) -> t.RegisterWebhookEndpointPayload:
        session = info.context.require_session
        done, errors = await run(
            webhook_admin.register(
                session, unit_code=input.unit_code, url=input.url, kinds=input.kinds, production=_production(session)
            )
        )
        if done is None:
            return t.RegisterWebhookEndpointPayload(endpoint=None, secret=None, user_errors=errors)
        return t.RegisterWebhookEndpointPayload(endpoint=endpoint(done.endpoint), secret=done.secret, user_errors=[])

    @mutation(description="Stop sending to a partner webhook (HQ's administrators; audited).")
    async def deactivate_webhook_endpoint(
        self, info: strawberry.Info, input: t.DeactivateWebhookEndpointInput
    ) -> t.WebhookEndpointPayload:
        session = info.context.require_session
        endpoint_id = db_id(input.endpoint_id, "WebhookEndpoint", "endpointId")
        row, errors = await run(webhook_admin.deactivate(session, endpoint_id=endpoint_id, reason=input.reason))
        return t.WebhookEndpointPayload(endpoint=endpoint(row) if row else None, user_errors=errors)

    @mutation(description="死信重发 Send a dead letter again, same delivery key (HQ's administrators; audited).")
    async def retry_dead_notice(self, info: strawberry.Info, input: t.RetryDeadNoticeInput) -> t.RetryDeadNoticePayload:
        session = info.context.require_session
        delivery_id = db_id(input.id, "NoticeDelivery", "id")
        row, errors = await run(dead_letters.retry(session, delivery_id=delivery_id, reason=input.reason))
        return t.RetryDeadNoticePayload(delivery_key=row.delivery_key if row else None, user_errors=errors)
