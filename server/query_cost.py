"""A query-cost limit (ARCHITECTURE: abuse limits). Depth, aliases and tokens do not stop a
small query that fans out: tasks(first: 100) { timeline(first: 50) ... } asks for 5,000
rows. The cost counts each selected field once per parent row it will be resolved for, with
connection pages (`first` / `last`) multiplying what they contain."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

MAX_PAGE = 100


def estimate(document: DocumentNode, variables: Mapping | None, operation_name: str | None) -> int:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return 0
    values = dict(variables or {})

    def page(field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            node = argument.value
            raw = node.value if isinstance(node, IntValueNode) else values.get(node.name.value) if isinstance(
                node, VariableNode) else None  # fmt: skip
            try:
                return max(1, min(int(raw), MAX_PAGE))
            except (TypeError, ValueError):
                return MAX_PAGE  # unknown: assume the worst; the page-size check refuses it anyway
        return 1

    def walk(selection_set: SelectionSetNode, rows: int, seen: frozenset[str]) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += rows
                if selection.selection_set is not None:
                    total += walk(selection.selection_set, rows * page(selection), seen)
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, rows, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:  # a cycle is invalid anyway
                    total += walk(fragments[name].selection_set, rows, seen | {name})
        return total

    return walk(chosen[0].selection_set, 1, frozenset())


class QueryCostLimiter(SchemaExtension):
    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and not ctx.pre_execution_errors:
            cost = estimate(ctx.graphql_document, ctx.variables, ctx.operation_name)
            if cost > self.max_cost:
                ctx.pre_execution_errors = [
                    GraphQLError(
                        f"the query would resolve about {cost} fields (limit {self.max_cost}): ask for smaller pages",
                        extensions={"code": "QUERY_TOO_COSTLY"},
                    )
                ]
        yield
