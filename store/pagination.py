"""Keyset pagination over the primary key: stable under inserts, one COUNT plus one page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.queryset import QuerySet

from store.rows import fetch_rows

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: int | None = None  # primary key of the cursor row
    last: int | None = None
    before: int | None = None
    count: bool = True  # COUNT(*) only when the client asked for totalCount


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    has_next: bool
    has_previous: bool


async def paginate(qs: QuerySet, req: PageRequest, fields: tuple[str, ...] | None = None) -> Page:
    """A page in primary-key order; with `fields`, rows of plain values (store.rows)."""
    total = await qs.count() if req.count else -1
    window = qs
    if req.after is not None:
        window = window.filter(id__gt=req.after)
    if req.before is not None:
        window = window.filter(id__lt=req.before)
    if req.last is not None and req.first is None:
        rows = await _fetch(window.order_by("-id").limit(req.last + 1), fields)
        has_previous = len(rows) > req.last
        items = list(reversed(rows[: req.last]))
        return Page(items, total, req.before is not None, has_previous)
    size = req.first if req.first is not None else 0
    rows = await _fetch(window.order_by("id").limit(size + 1), fields)
    items = rows[:size]
    if req.last is not None and len(items) > req.last:  # first and last together: Relay's rule
        items = items[-req.last :]
    return Page(items, total, len(rows) > size, req.after is not None)


async def _fetch(qs: QuerySet, fields: tuple[str, ...] | None) -> list:
    return await fetch_rows(qs, fields) if fields else list(await qs)
