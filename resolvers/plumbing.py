"""What every mutation resolver shares: one error path from a rule violation (or an id that
names nothing) to the payload's `userErrors`, and the decoding of global ids.

Every mutation is declared with `mutation(...)`, which wraps the whole resolver: an id decoded
before the service runs, a command built eagerly or lazily, a rule broken deep in a service —
each becomes a `userErrors` entry on the field's own payload type, never a masked 500. The
same wrapper makes every mutation idempotent by its `idempotencyKey`."""

from __future__ import annotations

import typing
from collections.abc import Awaitable
from typing import Any, TypeVar

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.base import StrawberryList, StrawberryOptional

from domain.errors import DomainError, DomainErrors, ErrorCode, noun
from resolvers import replay
from schema import enums, task_payloads, types
from schema.relay import InvalidId, from_global_id
from services import idempotency

T = TypeVar("T")


def user_errors(exc: DomainError | DomainErrors) -> list[types.UserError]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [
        types.UserError(field=["input", *e.field] if e.field else None, code=enums.UserErrorCode(e.code.value), error=e)
        for e in errors
    ]


async def run(command: Awaitable[T]) -> tuple[T | None, list[types.UserError]]:
    """Rule violations become userErrors; authorization errors propagate as GraphQL errors."""
    try:
        return await command, []
    except (DomainError, DomainErrors) as exc:
        return None, user_errors(exc)


def db_id(global_id: str, expected_type: str, field: str) -> int:
    """The database id behind a global ID; a malformed or foreign one is simply not found."""
    try:
        type_name, value = from_global_id(global_id)
    except InvalidId:
        type_name, value = "", 0
    if type_name != expected_type:
        raise DomainError(ErrorCode.NOT_FOUND, "no such {noun}", (field,), noun=noun(expected_type.lower()))
    return value


def task_db_id(input) -> int:
    return db_id(input.task_id, "Task", "taskId")


async def task_payload(info: strawberry.Info, command) -> task_payloads.TaskPayload:
    task, errors = await run(command)
    presented = (await info.context.present.tasks([task]))[0] if task else None
    return task_payloads.TaskPayload(task=presented, user_errors=errors)


def factory_db_id(global_id: str) -> int:
    return db_id(global_id, "Factory", "factoryId")


class MutationRunner(FieldExtension):
    """Every mutation passes here. A rule violation anywhere becomes the payload with
    `userErrors` (the other fields null, or empty lists and zero counts). A request with an
    `idempotencyKey` runs once per (user, key): its first answer is kept in the command's own
    transaction, and a replay returns it (objects re-read as the caller may see them now)."""

    def __init__(self, *, own_idempotency: bool = False) -> None:
        self.own_idempotency = own_idempotency  # the resolver replays its own way (purchases, samples)

    def apply(self, field) -> None:
        self.field = field

    async def resolve_async(self, next_, source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        key = getattr(kwargs.get("input"), "idempotency_key", None)
        try:
            if key is None or self.own_idempotency:
                return await next_(source, info, **kwargs)
            return await self._once(key, next_, source, info, kwargs)
        except (DomainError, DomainErrors) as exc:
            return failure_payload(self.field.type, user_errors(exc))

    async def _once(self, key: str, next_, source: Any, info: strawberry.Info, kwargs: dict) -> Any:
        async def command():
            try:
                payload = await next_(source, info, **kwargs)
            except (DomainError, DomainErrors) as exc:
                return failure_payload(self.field.type, user_errors(exc)), None
            return payload, None if payload.user_errors else replay.encode(payload)

        async def again(answer: dict):
            return await replay.decode(info, self.field.type, answer)

        session = info.context.require_session
        operation, input_hash = info.field_name, replay.fingerprint(kwargs["input"])
        return await idempotency.once_answered(session, key, operation, input_hash, command, again)


def failure_payload(payload_type: type, errors: list[types.UserError]) -> Any:
    values: dict[str, Any] = {}
    for field in payload_type.__strawberry_definition__.fields:
        if field.python_name == "user_errors":
            values[field.python_name] = errors
        elif isinstance(field.type, StrawberryOptional):
            values[field.python_name] = None
        elif isinstance(field.type, StrawberryList):
            values[field.python_name] = []
        elif field.type in (int, float):
            values[field.python_name] = 0
        else:  # a new kind of payload field: decide its empty value here
            raise TypeError(f"{payload_type.__name__}.{field.python_name} has no empty value")
    return payload_type(**values)


def mutation(*, description: str, own_idempotency: bool = False) -> typing.Any:
    """`strawberry.mutation` with the one error path and idempotency; use it for every mutation."""
    return strawberry.mutation(description=description, extensions=[MutationRunner(own_idempotency=own_idempotency)])
