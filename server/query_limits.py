"""Abuse limits checked before a document is validated or run: depth, aliases and cost
(checked by the DocumentLimits extension, server/document_limits.py).

Depth, aliases and tokens do not stop a small query that fans out: `tasks(first: 100) {
timeline(first: 50) ... }` asks for 5,000 rows. The cost counts each selected field once per
parent row it will be resolved for, with connection pages (`first` / `last`) multiplying what
they contain.

All three come from one pass that is linear in the document's size: each fragment's shape is
computed once, bottom-up, and reused wherever it is spread. A walk that expands fragment
spreads (as the stock depth and alias limiters do) is exponential in a chain of fragments that
each spread the next one twice: 60 such fragments fit in 2 KB and would never finish."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

MAX_PAGE = 100
SATURATED = 2**40  # counts stop growing here: a refusal needs only "more than the limit"
# graphql-core compares every pair of fields that share a response name in one selection
# set: 300 copies of one field take most of a second. Real documents repeat a name a few
# times (fragments that each select `id`); past this many the document is refused.
MAX_SAME_NAME = 50


@dataclass(frozen=True)
class Shape:
    """What one selection set costs for one parent row."""

    cost: int = 0  # fields resolved
    depth: int = 0  # nesting of fields that have selections (introspection fields do not count)
    aliases: int = 0  # aliased fields, once for every place they are spread
    repeated: tuple[int, str] = (0, "")  # the response name selected most often in one selection set


def _add(a: int, b: int) -> int:
    return min(a + b, SATURATED)


def _times(a: int, b: int) -> int:
    return min(a * b, SATURATED)


@functools.cache
def default_pages(schema: GraphQLSchema) -> dict[str, int]:
    """Field name -> the largest default `first`/`last` any field of that name declares: a page
    left at its default size costs what it returns (the analysis does not know the parent type)."""
    pages: dict[str, int] = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType):
            continue
        for name, field in named.fields.items():
            for argument in ("first", "last"):
                default = field.args.get(argument).default_value if argument in field.args else None
                if isinstance(default, int) and not isinstance(default, bool):
                    pages[name] = max(pages.get(name, 1), min(default, MAX_PAGE))
    return pages


class _Analysis:
    def __init__(
        self, document: DocumentNode, variables: Mapping | None, max_depth: int, defaults: Mapping[str, int]
    ) -> None:
        self.values = dict(variables or {})
        self.defaults = defaults
        # Nesting deeper than this is refused anyway; stopping there also bounds the recursion.
        self.cutoff = max_depth + 1
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.shapes: dict[str, Shape] = {}
        self.names: dict[str, Counter[str]] = {}  # response names at a fragment's top level
        self.most_repeated: tuple[int, str] = (0, "")
        self._resolve_fragments()

    def _resolve_fragments(self) -> None:
        """Every fragment's shape, dependencies first, without recursion over the chain of
        spreads. A fragment in a cycle counts as empty: validation refuses cycles anyway."""
        spreads = {name: _spreads(f.selection_set) & self.fragments.keys() for name, f in self.fragments.items()}
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        for root in self.fragments:
            if root in state:
                continue
            stack = [(root, iter(sorted(spreads[root])))]
            state[root] = 1
            while stack:
                name, pending = stack[-1]
                child = next(pending, None)
                if child is None:
                    stack.pop()
                    self.shapes[name] = self.selection_set(self.fragments[name].selection_set, 0)
                    self.names[name] = self.top_names(self.fragments[name].selection_set)
                    state[name] = 2
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(sorted(spreads[child]))))
                elif state[child] == 1:
                    self.shapes.setdefault(child, Shape())  # a cycle: refused by validation

    def page(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            node = argument.value
            if isinstance(node, IntValueNode):
                return page_size(node.value)
            return page_size(self.values.get(node.name.value) if isinstance(node, VariableNode) else None)
        return self.defaults.get(field.name.value, 1)

    def top_names(self, selection_set: SelectionSetNode) -> Counter[str]:
        """How often each response name is selected at this level, fragments merged in."""
        names: Counter[str] = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                names.update(self.top_names(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                names.update(self.names.get(selection.name.value, {}))
        for name, count in names.items():
            names[name] = min(count, SATURATED)
            self.most_repeated = max(self.most_repeated, (names[name], name))
        return names

    def selection_set(self, selection_set: SelectionSetNode, level: int) -> Shape:
        if level >= self.cutoff:
            return Shape(depth=1)  # too deep already: no need to look further
        self.top_names(selection_set)
        cost = depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost = _add(cost, 1)
                aliases = _add(aliases, 1 if selection.alias else 0)
                if selection.selection_set is not None:
                    child = self.selection_set(selection.selection_set, level + 1)
                    cost = _add(cost, _times(self.page(selection), child.cost))
                    aliases = _add(aliases, child.aliases)
                    if not selection.name.value.startswith("__"):
                        depth = max(depth, 1 + child.depth)
                continue
            if isinstance(selection, InlineFragmentNode):
                child = self.selection_set(selection.selection_set, level)
            elif isinstance(selection, FragmentSpreadNode):
                child = self.shapes.get(selection.name.value, Shape())
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            cost, aliases = _add(cost, child.cost), _add(aliases, child.aliases)
            depth = max(depth, child.depth)
        return Shape(cost, depth, aliases)


def page_size(raw: object) -> int:
    """The page a `first` / `last` value asks for, as the cost counts it."""
    try:
        return max(1, min(int(raw), MAX_PAGE))
    except (TypeError, ValueError, OverflowError):
        return MAX_PAGE  # unknown: assume the worst; the page-size check refuses it anyway


def page_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables given as `first` / `last` anywhere in the document: the only ones the
    cost depends on. Each selection set is visited once (fragments are not expanded)."""
    names: set[str] = set()
    pending = [d.selection_set for d in document.definitions if getattr(d, "selection_set", None) is not None]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    if argument.name.value in ("first", "last") and isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)
            if getattr(selection, "selection_set", None) is not None:
                pending.append(selection.selection_set)
    return tuple(sorted(names))


def _spreads(selection_set: SelectionSetNode) -> set[str]:
    found: set[str] = set()
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                found.add(selection.name.value)
            elif selection.selection_set is not None:
                pending.append(selection.selection_set)
    return found


def operations(document: DocumentNode, operation_name: str | None) -> list[OperationDefinitionNode]:
    found = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return [o for o in found if operation_name is None or (o.name and o.name.value == operation_name)]


def analyse(
    document: DocumentNode,
    variables: Mapping | None,
    operation_name: str | None,
    *,
    max_depth: int = 12,
    defaults: Mapping[str, int] | None = None,
) -> Shape:
    """The shape of the operation that would run (depth and aliases: of every operation);
    `defaults`: the schema's default page sizes by field name (`default_pages`)."""
    analysis = _Analysis(document, variables, max_depth, defaults or {})
    every = [analysis.selection_set(o.selection_set, 0) for o in operations(document, None)]
    chosen = [analysis.selection_set(o.selection_set, 0) for o in operations(document, operation_name)]
    return Shape(
        cost=chosen[0].cost if chosen else 0,
        depth=max((s.depth for s in every), default=0),
        aliases=min(sum(s.aliases for s in every), SATURATED),
        repeated=analysis.most_repeated,
    )


def estimate(
    document: DocumentNode, variables: Mapping | None, operation_name: str | None, schema: GraphQLSchema | None = None
) -> int:
    return analyse(document, variables, operation_name, defaults=default_pages(schema) if schema else None).cost
