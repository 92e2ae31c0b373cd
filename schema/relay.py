"""Relay conventions: opaque global IDs, the Node interface and cursor connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from schema.sql_fields import GlobalId

T = TypeVar("T")
MAX_PAGE = 100
MAX_DB_ID = 2**31 - 1  # database ids are 32-bit integers


class InvalidId(ValueError):
    pass


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    """Only the one spelling `_b64` produces: the decoder would otherwise skip stray
    characters and padding, so many strings would name the same object."""
    if len(text) > 200:
        raise InvalidId("id too long")
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidId("not a valid id") from None
    if _b64(decoded) != text:
        raise InvalidId("not a valid id")
    return decoded


def to_global_id(type_name: str, db_id: int) -> str:
    return _b64(f"{type_name}:{db_id}")


def _db_id(raw: str) -> int | None:
    """A canonical decimal id: ASCII digits, no leading zero, 32-bit."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or raw != str(int(raw)) or int(raw) > MAX_DB_ID:
        return None
    return int(raw)


def from_global_id(global_id: str) -> tuple[str, int]:
    type_name, _, raw = _unb64(global_id).partition(":")
    db_id = _db_id(raw)
    if not type_name or db_id is None:
        raise InvalidId("not a valid id")
    return type_name, db_id


def to_cursor(db_id: int) -> str:
    return _b64(f"cursor:{db_id}")


def from_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    kind, _, raw = _unb64(cursor).partition(":")
    db_id = _db_id(raw)
    if kind != "cursor" or db_id is None:
        raise InvalidId("not a valid cursor")
    return db_id


@strawberry.interface(description="An object with a globally unique, opaque ID. 全局唯一标识")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global ID; pass it to `node(id:)`.", metadata={"sql": GlobalId()}
    )


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page (ask with `after: endCursor`).")
    has_previous_page: bool = strawberry.field(description="Items before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the page's first item; null on an empty page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the page's last item; null on an empty page.")


@strawberry.type(description="One item of a page with its cursor (Relay edge).")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of the item; pass it as `after` or `before`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    nodes: list[T] = strawberry.field(description="The page's items, without cursors.")
    page_info: PageInfo = strawberry.field(description="Where the page sits in the whole list.")
    total_count: int = strawberry.field(description="Items in the whole list, all pages.")


def build_connection(items: Sequence, convert: Callable, total: int, has_next: bool, has_previous: bool) -> Connection:
    nodes = [convert(item) for item in items]
    edges = [Edge(cursor=to_cursor(item.id), node=node) for item, node in zip(items, nodes, strict=True)]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def slice_connection(items: Sequence, convert: Callable, first: int | None, after: str | None) -> Connection:
    """A connection over a list already in memory (nested lists loaded in one batch)."""
    after_id = from_cursor(after)
    rest = [i for i in items if after_id is None or i.id > after_id]
    size = first if first is not None else MAX_PAGE
    return build_connection(rest[:size], convert, len(items), len(rest) > size, after_id is not None)
