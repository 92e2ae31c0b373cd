"""The abuse limits (server/query_limits.py) and graphql-core's validation, as one schema
extension, with what they find remembered per document.

Clients send the same few documents again and again. A document's shape (depth, aliases,
cost) depends only on its text, the operation chosen and the page sizes its `first` / `last`
variables ask for; its validation only on its text and the rules. Both are remembered in
bounded LRU caches that live as long as the schema (server/graphql.py builds one DocumentMemo
per schema, i.e. per set of limits), so a document seen before is neither analysed nor
validated again, and needs no trip to a worker thread.

Strawberry's own ValidationCache does not fit here: it validates on the event loop before the
limits have looked at the document, and it overwrites the refusal RequireAuthentication gives
an anonymous caller."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable, Mapping
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from server.graphql_errors import refusal
from server.parse_cache import worth_remembering
from server.query_limits import MAX_SAME_NAME, Shape, analyse, default_pages, page_size, page_variables

# Documents remembered per schema. A key holds the document's text (at most max_query_chars):
# 256 of the largest allowed documents hold about 8 MB.
DOCUMENTS_REMEMBERED = 256


class BoundedCache:
    """A least-recently-used map of at most `maxsize` entries; used from the event loop only."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable | None) -> object | None:
        entry = self._entries.get(key) if key is not None else None
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Hashable | None, value: object) -> None:
        if key is None or value is None:
            return
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class DocumentMemo:
    """What DocumentLimits learnt about the documents of one schema, shared by every request."""

    def __init__(self, maxsize: int = DOCUMENTS_REMEMBERED) -> None:
        self.page_variables = BoundedCache(maxsize)  # text -> names of the variables given as first/last
        self.shapes = BoundedCache(maxsize)  # (text, operation, their page sizes) -> Shape
        self.validations = BoundedCache(maxsize)  # (text, rules) -> validation errors (a tuple)


@dataclass
class _Findings:
    """One document's findings, from the memo or computed afresh in a worker thread."""

    names: tuple[str, ...] | None
    shape: Shape | None
    errors: tuple[GraphQLError, ...] | None


def _shape_key(text: str | None, operation_name: str | None, names, variables: Mapping | None):
    if text is None or names is None:
        return None
    values = variables if isinstance(variables, Mapping) else {}
    return text, operation_name, tuple(page_size(values.get(name)) for name in names)


class DocumentLimits(SchemaExtension):
    """Checks the limits, then graphql-core's validation, in a worker thread unless the memo
    already knows both.

    The limits are linear, but some of graphql-core's rules are not (comparing fields of the
    same response name is quadratic: 300 copies of one field take about 0.2 s). Off the event
    loop, such a document slows only its own request; `/health` and everyone else are served
    meanwhile. Strawberry skips its own validation when an extension has already run it."""

    def __init__(self, *, max_depth: int, max_aliases: int, max_cost: int, memo: DocumentMemo | None = None) -> None:
        self.max_depth = max_depth
        self.max_aliases = max_aliases
        self.max_cost = max_cost
        self.memo = memo if memo is not None else DocumentMemo()

    async def on_validate(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and not ctx.pre_execution_errors:
            ctx.pre_execution_errors = await self.checked(ctx)
        yield

    async def checked(self, ctx) -> list[GraphQLError]:
        memo, operation_name, rules = self.memo, ctx.operation_name, tuple(ctx.validation_rules)
        # Not remembered: a document given as a tree, not text, or one too long for its caller
        # (server/parse_cache.py: unknown callers must not pin memory with long documents).
        text = ctx.query if worth_remembering(ctx) else None
        names = memo.page_variables.get(text)
        shape_key = _shape_key(text, operation_name, names, ctx.variables)
        found = _Findings(names, memo.shapes.get(shape_key), memo.validations.get((text, rules) if text else None))
        if found.shape is None or (found.errors is None and not self.limit_errors(found.shape, operation_name)):
            found = await asyncio.to_thread(
                self.complete, found, ctx.schema._schema, ctx.graphql_document, ctx.variables, operation_name, rules
            )
            memo.page_variables.put(text, found.names)
            memo.shapes.put(_shape_key(text, operation_name, found.names, ctx.variables), found.shape)
            memo.validations.put((text, rules) if text else None, found.errors)
        refused = self.limit_errors(found.shape, operation_name)
        # The one estimate of this document: the budget (server/budgets.py) spends it, also when
        # validation then refuses the document (it cost the work); not when a limit refused it
        # before any validation ran.
        ctx.query_cost = None if refused else found.shape.cost
        return refused or list(found.errors)

    def complete(
        self, found: _Findings, schema: GraphQLSchema, document: DocumentNode, variables, operation_name, rules
    ) -> _Findings:
        """In a worker thread: what the memo did not know. No validation when a limit refuses
        the document."""
        names = found.names if found.names is not None else page_variables(document)
        shape = found.shape
        if shape is None:
            shape = analyse(
                document, variables, operation_name, max_depth=self.max_depth, defaults=default_pages(schema)
            )
        errors = found.errors
        if errors is None and not self.limit_errors(shape, operation_name):
            errors = tuple(validate_document(schema, document, rules))
        return _Findings(names, shape, errors)

    def limit_errors(self, shape: Shape, operation_name: str | None) -> list[GraphQLError]:
        if shape.depth > self.max_depth:
            name = operation_name or "anonymous"
            return [
                refusal("'{name}' exceeds maximum operation depth of {limit}", None, name=name, limit=self.max_depth)
            ]
        if shape.aliases > self.max_aliases:
            return [
                refusal("{count} aliases found. Allowed: {limit}", None, count=shape.aliases, limit=self.max_aliases)
            ]
        count, name = shape.repeated
        if count > MAX_SAME_NAME:
            return [
                refusal(
                    "`{name}` is selected {count} times in one place (limit {limit}): select it once",
                    {"code": "QUERY_TOO_COSTLY"},
                    name=name,
                    count=count,
                    limit=MAX_SAME_NAME,
                )
            ]
        if shape.cost > self.max_cost:
            return [
                refusal(
                    "the query would resolve about {cost} fields (limit {limit}): ask for smaller pages",
                    {"code": "QUERY_TOO_COSTLY"},
                    cost=shape.cost,
                    limit=self.max_cost,
                )
            ]
        return []
