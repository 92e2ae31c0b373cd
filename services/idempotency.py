"""Replays of mobile requests (docs/architecture.md, Idempotency).

The buying-sample app retries whenever the network drops, and cannot know whether the
first attempt landed. A command sent with a key runs once per (user, key): the record is
inserted first, in the command's own transaction, so a concurrent replay waits on the
unique index and then finds the first result. A replay changes nothing and returns the
object the first request produced (as it is now); the same key with other input is a
CONFLICT. A command that failed left no record (its transaction rolled back), so its
retry simply runs again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tortoise.exceptions import IntegrityError

from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text
from services.context import Session
from store.db import transaction
from store.models import IdempotencyRecord

T = TypeVar("T")


def fingerprint(payload: dict) -> str:
    """A stable hash of a request's input (files enter as their SHA-256)."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def once(
    session: Session, key: str | None, operation: str, input_hash: str,
    command: Callable[[], Awaitable[T]], result_id: Callable[[T], int], replay: Callable[[int], Awaitable[T]],
) -> T:  # fmt: skip
    """Run `command` unless this user already ran it with this key; then `replay` its result
    (by the id of the object it produced)."""
    if key is None:
        return await command()

    async def run() -> tuple[T, dict]:
        result = await command()
        return result, {"id": result_id(result)}

    async def again(answer: dict) -> T:
        return await replay(answer["id"])

    return await once_answered(session, key, operation, input_hash, run, again)


class _NoEffect(Exception):
    """Unwinds the transaction of a command that answered with user errors: it changed
    nothing, so no record is kept and a retry runs it again."""

    def __init__(self, result) -> None:
        self.result = result


async def once_answered(
    session: Session, key: str, operation: str, input_hash: str,
    command: Callable[[], Awaitable[tuple[T, dict | None]]], replay: Callable[[dict], Awaitable[T]],
) -> T:  # fmt: skip
    """Run `command` once per (user, key): it returns its result and the answer to keep (None
    when it refused the input, which keeps nothing); a replay rebuilds the kept answer."""
    key = clean_text(key, "idempotencyKey", max_length=100, single_line=True)
    found = await _find(session, key)
    if found is not None:
        return await _replay_answer(found, operation, input_hash, replay)
    try:
        async with transaction():
            record = await IdempotencyRecord.create(
                user_id=session.actor.user_id, key=key, operation=operation, input_hash=input_hash
            )
            result, answer = await command()
            if answer is None:
                raise _NoEffect(result)
            await IdempotencyRecord.filter(id=record.id).update(answer=json.dumps(answer, ensure_ascii=False))
        return result
    except _NoEffect as refused:
        return refused.result
    except IntegrityError:
        found = await _find(session, key)  # a concurrent first attempt committed meanwhile
        if found is None:
            raise
        return await _replay_answer(found, operation, input_hash, replay)


async def _replay_answer(record: IdempotencyRecord, operation: str, input_hash: str, replay):
    _check_same_request(record, operation, input_hash)
    # Records kept before answers were stored name their object by id only.
    answer = json.loads(record.answer) if record.answer is not None else {"id": record.result_id}
    return await replay(answer)


async def _find(session: Session, key: str) -> IdempotencyRecord | None:
    return await IdempotencyRecord.filter(user_id=session.actor.user_id, key=key).first()


def _check_same_request(record: IdempotencyRecord, operation: str, input_hash: str) -> None:
    if record.operation != operation or record.input_hash != input_hash:
        raise DomainError(
            ErrorCode.CONFLICT,
            "this idempotencyKey was already used for a different request; use a new key for new input",
            ("idempotencyKey",),
        )
