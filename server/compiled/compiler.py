"""Selected fields → one SELECT that returns the response's `data` as JSON text.

Factories are scoped, paged and ordered as store/pagination.py `paginate` does (keyset on id,
`first`/`after` only), their certificates as schema/relay.py `slice_connection` does over the
loader's scoped list; field values come from the mappings declared on the types
(schema/sql_fields.py). A field without a mapping raises NotCompilable.

The text interpolated into the SQL is only identifiers of this module (table aliases), table and
column names declared on the types, and placeholders: every value, response keys included, is a
parameter."""

# ruff: noqa: S608

from __future__ import annotations

from graphql import GraphQLSchema, get_named_type

from schema.relay import MAX_PAGE, InvalidId, from_cursor
from schema.sql_fields import (
    TABLES,
    CertificatesOfFactory,
    Column,
    EffectiveCertificateStatus,
    GlobalId,
    ToOne,
    VisibleFactoryClass,
)
from server.compiled.dialects import SET_CAST, SLOT_CASTS, Dialect, Params, Slot
from server.compiled.selection import Collector, NotCompilable, Selected
from services.scoping import FACTORY_DOMAIN_COLUMNS

MAX_KEYS = 50  # PostgreSQL functions take at most 100 arguments: 50 key/value pairs
EXPIRING = ("VALID", "SUSPENDED")  # domain/certificate.py EXPIRING, by value


class Compiler:
    def __init__(self, schema: GraphQLSchema, collector: Collector, dialect: Dialect) -> None:
        self._schema = schema
        self._collector = collector
        self._d = dialect
        self.params = Params(dialect)
        self._aliases = 0

    # --- helpers ---------------------------------------------------------------------------

    def _text(self, value: str) -> str:
        return self.params.add(value, "::text")

    def _slot(self, slot: Slot) -> str:
        return self.params.add(slot, SLOT_CASTS.get(slot, SET_CAST))

    def _int(self, value: int) -> str:
        return self.params.add(value, "::int")

    def _alias(self, stem: str) -> str:
        self._aliases += 1
        return f"{stem}{self._aliases}"

    def _object(self, pairs: list[tuple[str, str]]) -> str:
        if len(pairs) > MAX_KEYS:
            raise NotCompilable("too many keys")
        return self._d.obj([(self._text(key), value) for key, value in pairs])

    def _in_units(self, alias: str, slot: Slot) -> str:
        """The row of factory `alias` belongs to one of the slot's units (services/scoping.py)."""
        return (
            "(" + " OR ".join(self._d.in_units(f"{alias}.{c}", self._slot(slot)) for c in FACTORY_DOMAIN_COLUMNS) + ")"
        )

    def _global_id(self, type_name: str, id_expr: str) -> str:
        return self._d.base64(self._d.concat(self._text(f"{type_name}:"), id_expr))

    def _cursor(self, id_expr: str) -> str:
        return self._d.base64(self._d.concat(self._text("cursor:"), id_expr))

    def _field_type(self, parent: str, name: str):
        graphql_field = self._schema.get_type(parent).fields.get(name)
        if graphql_field is None:
            raise NotCompilable(f"{parent}.{name}")
        return graphql_field

    # --- the document ----------------------------------------------------------------------

    def root(self, fields: dict[str, Selected]) -> str:
        pairs = []
        for key, selected in fields.items():
            if selected.name == "__typename":
                pairs.append((key, self._text("Query")))
            elif selected.name == "factories":
                pairs.append((key, self._factories(selected)))
            else:
                raise NotCompilable(f"Query.{selected.name}")
        if all(selected.name == "__typename" for selected in fields.values()):
            raise NotCompilable("nothing to read")  # the executor answers without the database
        return "SELECT " + self._object(pairs)

    def _factories(self, selected: Selected) -> str:
        args = dict(selected.args)
        for absent in ("last", "before", "filter"):
            if args.pop(absent, None) is not None:
                raise NotCompilable(f"factories({absent})")
        first, after = _page_args(args, default_first=None)
        alias = self._alias("f")
        connection_type = get_named_type(self._field_type("Query", "factories").type).name
        base = lambda a: self._in_units(a, Slot.FACTORY_READ)  # noqa: E731 (one condition, several aliases)
        return self._connection(selected, connection_type, "factory", "Factory", alias, base, first, after)

    def _connection(self, selected, connection_type, table, node_type, alias, base, first, after) -> str:
        """`base(alias)`: the rows of the whole list; the page follows `first`/`after` by id."""
        fields = self._collector.children(selected, connection_type)

        def rows(a: str, limit: int | None = None, extra: str = "") -> str:
            where = base(a) + (f" AND {a}.id > {self._int(after)}" if after is not None else "")
            limit_sql = f" LIMIT {self._int(limit)}" if limit is not None else ""
            return f"SELECT {a}.* FROM {table} {a} WHERE {where}{extra} ORDER BY {a}.id{limit_sql}"

        pairs = []
        for key, field in fields.items():
            a = self._alias(alias[0])
            if field.name == "__typename":
                pairs.append((key, self._text(connection_type)))
            elif field.name == "totalCount":
                pairs.append((key, f"(SELECT COUNT(*) FROM {table} {a} WHERE {base(a)})"))
            elif field.name == "nodes":
                node = self._node(node_type, a, self._collector.children(field, node_type))
                pairs.append(
                    (key, self._d.nested(f"(SELECT {self._d.agg(node, f'{a}.id')} FROM ({rows(a, first)}) {a})"))
                )
            elif field.name == "edges":
                edge = self._edge(field, connection_type, node_type, a)
                pairs.append(
                    (key, self._d.nested(f"(SELECT {self._d.agg(edge, f'{a}.id')} FROM ({rows(a, first)}) {a})"))
                )
            elif field.name == "pageInfo":
                pairs.append((key, self._page_info(field, rows, a, first, after)))
            else:
                raise NotCompilable(f"{connection_type}.{field.name}")
        return self._object(pairs)

    def _edge(self, field: Selected, connection_type: str, node_type: str, a: str) -> str:
        edge_type = get_named_type(self._field_type(connection_type, "edges").type).name
        pairs = []
        for key, sub in self._collector.children(field, edge_type).items():
            if sub.name == "__typename":
                pairs.append((key, self._text(edge_type)))
            elif sub.name == "cursor":
                pairs.append((key, self._cursor(f"{a}.id")))
            elif sub.name == "node":
                pairs.append((key, self._node(node_type, a, self._collector.children(sub, node_type))))
            else:
                raise NotCompilable(f"{edge_type}.{sub.name}")
        return self._object(pairs)

    def _page_info(self, field: Selected, rows, a: str, first: int, after: int | None) -> str:
        pairs = []
        for key, sub in self._collector.children(field, "PageInfo").items():
            if sub.name == "__typename":
                pairs.append((key, self._text("PageInfo")))
            elif sub.name == "hasNextPage":
                more = f"(SELECT COUNT(*) FROM ({rows(a, first + 1)}) {a}) > {self._int(first)}"
                pairs.append((key, self._d.boolean(more)))
            elif sub.name == "hasPreviousPage":
                pairs.append((key, self._d.boolean("1 = 1" if after is not None else "1 = 0")))
            elif sub.name in ("startCursor", "endCursor"):
                edge = "min" if sub.name == "startCursor" else "max"
                pairs.append((key, f"(SELECT {self._cursor(f'{edge}({a}.id)')} FROM ({rows(a, first)}) {a})"))
            else:
                raise NotCompilable(f"PageInfo.{sub.name}")
        return self._object(pairs)

    # --- objects ---------------------------------------------------------------------------

    def _node(self, type_name: str, a: str, fields: dict[str, Selected]) -> str:
        pairs = []
        for key, field in fields.items():
            if field.name == "__typename":
                pairs.append((key, self._text(type_name)))
                continue
            graphql_field = self._field_type(type_name, field.name)
            definition = graphql_field.extensions.get("strawberry-definition")
            mapping = definition.metadata.get("sql") if definition is not None else None
            pairs.append((key, self._mapped(type_name, a, field, graphql_field, mapping)))
        return self._object(pairs)

    def _mapped(self, type_name: str, a: str, field: Selected, graphql_field, mapping) -> str:
        if mapping is None or (field.args and not isinstance(mapping, CertificatesOfFactory)):
            raise NotCompilable(f"{type_name}.{field.name}")
        if isinstance(mapping, Column):
            return f"{a}.{mapping.name}"
        if isinstance(mapping, GlobalId):
            return self._global_id(type_name, f"{a}.id")
        if isinstance(mapping, VisibleFactoryClass):
            return f"CASE WHEN {self._in_units(a, Slot.CLASS_READ)} THEN {a}.{mapping.column} END"
        if isinstance(mapping, EffectiveCertificateStatus):
            expiring = ", ".join(self._text(s) for s in EXPIRING)
            today = self._slot(Slot.TODAY)
            return (
                f"CASE WHEN {a}.{mapping.status} IN ({expiring}) AND {a}.{mapping.expires_on} < {today} "
                f"THEN {self._text('EXPIRED')} ELSE {a}.{mapping.status} END"
            )
        if isinstance(mapping, ToOne):
            target = get_named_type(graphql_field.type).name
            if TABLES.get(target) != mapping.table:
                raise NotCompilable(f"{type_name}.{field.name}")
            u = self._alias("u")
            node = self._node(target, u, self._collector.children(field, target))
            return self._d.nested(f"(SELECT {node} FROM {mapping.table} {u} WHERE {u}.id = {a}.{mapping.column})")
        if isinstance(mapping, CertificatesOfFactory):
            first, after = _page_args(dict(field.args), default_first=mapping.default_first)
            connection_type = get_named_type(graphql_field.type).name

            def base(c: str) -> str:
                # The loader scopes by the factory's units. Built per use, never ahead: a parameter
                # the text does not use has no type for PostgreSQL (a selection all skipped).
                return f"{c}.factory_id = {a}.id AND {self._in_units(a, Slot.CERTIFICATE_READ)}"

            return self._connection(field, connection_type, "certificate", "Certificate", "c", base, first, after)
        raise NotCompilable(f"{type_name}.{field.name}")


def _page_args(args: dict, default_first: int | None) -> tuple[int, int | None]:
    """`first` and `after` as the resolvers read them; what they would refuse is not compiled
    (resolvers/context.py check_page_size, schema/relay.py from_cursor)."""
    first = args.pop("first", default_first)
    after = args.pop("after", None)
    if args or not isinstance(first, int) or isinstance(first, bool) or not 0 <= first <= MAX_PAGE:
        raise NotCompilable("page arguments")
    if after is not None and not isinstance(after, str):
        raise NotCompilable("cursor")
    try:
        return first, from_cursor(after)
    except InvalidId:
        raise NotCompilable("invalid cursor") from None
