"""What a replayed mutation returns: the first answer, read again as the caller may see it now.

A payload is kept as plain JSON: each object that is a Node by its global id, lists of them
as lists, counts and plain values as they are, and value objects (a frequency rule, a held
role) by their fields. A replay resolves the ids through `node(id)`'s own resolvers, so an
object the caller may no longer read comes back as NOT_FOUND, never as a stale copy."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional

from domain.errors import DomainError, ErrorCode
from resolvers.nodes import resolve_nodes
from schema.relay import Node


def fingerprint(value: Any) -> str:
    """A stable hash of a mutation's input; an uploaded file enters as its SHA-256."""
    canonical = json.dumps(_plain_input(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plain_input(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain_input(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "idempotency_key" and getattr(value, f.name) is not strawberry.UNSET
        }
    if isinstance(value, list | tuple):
        return [_plain_input(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime | Decimal):
        return str(value)
    if hasattr(value, "file") and hasattr(value, "filename"):  # an upload
        return {"sha256": _upload_digest(value)}
    return value


def _upload_digest(upload) -> str:
    digest = hashlib.sha256()
    upload.file.seek(0)
    for chunk in iter(lambda: upload.file.read(1 << 16), b""):
        digest.update(chunk)
    upload.file.seek(0)
    return digest.hexdigest()


def encode(payload: Any) -> dict:
    """The payload without its (empty) userErrors, as JSON; fields a payload lists in
    `NOT_REPLAYED` (a secret shown once) are not kept, so a replay answers them null."""
    skip = {"user_errors", *getattr(payload, "NOT_REPLAYED", ())}
    return {f.name: _encode(getattr(payload, f.name)) for f in dataclasses.fields(payload) if f.name not in skip}


def _encode(value: Any) -> Any:
    if isinstance(value, Node):
        return {"node": value.id}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {"value": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


async def decode(info: strawberry.Info, payload_type: type, answer: dict) -> Any:
    """The payload again; an object the caller may no longer read makes the replay NOT_FOUND."""
    ids = _node_ids(answer)
    found = dict(zip(ids, await resolve_nodes(info.context, ids), strict=True))
    if any(v is None for v in found.values()):
        raise DomainError(ErrorCode.NOT_FOUND, "what this request changed is no longer visible to you", ())
    hints = typing.get_type_hints(payload_type)
    return payload_type(**{name: _decode(v, hints[name], found) for name, v in answer.items()}, user_errors=[])


def _node_ids(value: Any) -> list[str]:
    if isinstance(value, dict) and "node" in value:
        return [value["node"]]
    if isinstance(value, dict):
        return [i for v in value.values() for i in _node_ids(v)]
    if isinstance(value, list):
        return [i for v in value for i in _node_ids(v)]
    return []


def _decode(value: Any, hint: Any, nodes: dict[str, Any]) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and "node" in value:
        return nodes[value["node"]]
    hint = _unwrap_optional(hint)
    if isinstance(value, list):
        inner = typing.get_args(hint)[0] if typing.get_args(hint) else Any
        return [_decode(v, inner, nodes) for v in value]
    if isinstance(value, dict) and "value" in value:
        fields = typing.get_type_hints(hint)
        return hint(**{k: _decode(v, fields[k], nodes) for k, v in value["value"].items()})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    return value


def _unwrap_optional(hint: Any) -> Any:
    if isinstance(hint, StrawberryOptional | StrawberryList):
        return hint.of_type
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return hint
