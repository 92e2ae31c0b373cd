"""A query document → the tree of fields it selects, as graphql-core would execute it: fragments
inlined, @skip/@include applied, fields of the same response key merged, arguments resolved
against the variables. Anything this module is not sure to read exactly as the executor would
raises NotCompilable, and the document runs through the executor instead."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
)


class NotCompilable(Exception):
    """The compiler does not cover this document: the executor answers it."""


UNSET = object()  # an argument not given (its default applies)

# Scalar variable types the compiler reads, and the Python type graphql-core accepts for each.
VARIABLE_TYPES = {"Int": int, "String": str, "ID": str, "Boolean": bool}


@dataclass
class Selected:
    key: str  # the response key (alias or name)
    name: str
    args: dict[str, object]
    children: dict[str, Selected] = field(default_factory=dict)


def operation_of(document, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise NotCompilable("which operation")
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise NotCompilable("no such operation")


def is_query(operation: OperationDefinitionNode) -> bool:
    return operation.operation == OperationType.QUERY


def variable_values(operation: OperationDefinitionNode, provided: dict | None) -> dict[str, object]:
    """The operation's variables as graphql-core would coerce them, for the scalar types whose
    coercion is an identity; anything else (input objects, lists, wrong types, defaults) is left
    to the executor and its error messages."""
    provided = provided or {}
    values: dict[str, object] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_node = definition.type
        non_null = isinstance(type_node, NonNullTypeNode)
        named = type_node.type if non_null else type_node
        if isinstance(named, ListTypeNode) or not isinstance(named, NamedTypeNode):
            raise NotCompilable("list variable")
        python_type = VARIABLE_TYPES.get(named.name.value)
        if python_type is None or definition.default_value is not None or definition.directives:
            raise NotCompilable("variable type")
        if name not in provided:
            if non_null:
                raise NotCompilable("missing variable")
            continue  # unset: the argument takes its default
        value = provided[name]
        if value is None:
            if non_null:
                raise NotCompilable("null variable")
        elif type(value) is not python_type:  # bool is no Int; 5.0 is left to the executor
            raise NotCompilable("variable value")
        elif python_type is int and not -(2**31) <= value < 2**31:
            raise NotCompilable("Int out of range")
        values[name] = value
    return values


def _value(node, variables: dict[str, object]) -> object:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value, UNSET)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, BooleanValueNode):
        return node.value
    if isinstance(node, NullValueNode):
        return None
    raise NotCompilable("argument value")


def _included(node, variables: dict[str, object]) -> bool:
    included = True
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include") or len(directive.arguments or ()) != 1:
            raise NotCompilable("directive")
        value = _value(directive.arguments[0].value, variables)
        if not isinstance(value, bool):
            raise NotCompilable("directive argument")
        if (name == "skip" and value) or (name == "include" and not value):
            included = False
    return included


class Collector:
    """Collects selections per object type; `type_names` of a type: itself and its interfaces."""

    def __init__(self, schema: GraphQLSchema, document, variables: dict[str, object]) -> None:
        self._schema = schema
        self._variables = variables
        self._fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def collect(self, type_name: str, selection_sets: list) -> dict[str, Selected]:
        fields: dict[str, Selected] = {}
        self._collect(type_name, selection_sets, fields, set())
        return fields

    def _applies(self, condition, type_name: str) -> bool:
        if condition is None:
            return True
        wanted = condition.name.value
        if wanted == type_name:
            return True
        graphql_type = self._schema.get_type(type_name)
        return any(i.name == wanted for i in getattr(graphql_type, "interfaces", ()))

    def _collect(self, type_name: str, selection_sets: list, into: dict[str, Selected], seen: set[str]) -> None:
        for selection_set in selection_sets:
            for node in selection_set.selections:
                if not _included(node, self._variables):
                    continue
                if isinstance(node, FieldNode):
                    self._add_field(node, into)
                elif isinstance(node, InlineFragmentNode):
                    if self._applies(node.type_condition, type_name):
                        self._collect(type_name, [node.selection_set], into, seen)
                elif isinstance(node, FragmentSpreadNode):
                    name = node.name.value
                    fragment = self._fragments.get(name)
                    if name in seen or fragment is None:
                        continue
                    seen.add(name)
                    if self._applies(fragment.type_condition, type_name):
                        self._collect(type_name, [fragment.selection_set], into, seen)
                else:
                    raise NotCompilable("selection")

    def _add_field(self, node: FieldNode, into: dict[str, Selected]) -> None:
        key = node.alias.value if node.alias else node.name.value
        args = {a.name.value: _value(a.value, self._variables) for a in node.arguments or ()}
        args = {k: v for k, v in args.items() if v is not UNSET}
        existing = into.get(key)
        if existing is None:
            existing = into[key] = Selected(key, node.name.value, args)
            existing.sets = []  # type: ignore[attr-defined]
        elif existing.name != node.name.value or existing.args != args:
            raise NotCompilable("conflicting fields")  # validation refuses these; be safe
        if node.selection_set is not None:
            existing.sets.append(node.selection_set)  # type: ignore[attr-defined]

    def children(self, selected: Selected, type_name: str) -> dict[str, Selected]:
        """The merged sub-selection of a field whose type is `type_name`."""
        return self.collect(type_name, selected.sets)  # type: ignore[attr-defined]
