"""Hypothesis strategies: query documents over the compiled fields (and a few that are not),
with aliases, fragments, inline fragments, directives, variables and cursors."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from schema.relay import to_cursor

FACTORY_FIELDS = ["id", "code", "name", "address", "country", "province", "status", "version", "classification"]
UNIT_FIELDS = ["id", "code", "name", "nameZh", "kind"]
CERTIFICATE_FIELDS = [
    "id",
    "number",
    "holder",
    "status",
    "issuedOn",
    "expiresOn",
    "suspendedUntil",
    "suspensionGround",
    "version",
]
# Not compiled: a document with one of these runs through the executor.
UNCOVERED = {
    "Factory": ["mergedInto { code }"],
    "Certificate": ["suspensionExpired", "implementationRule", "productCategory { code }"],
    "OrgUnit": ["provinces"],
}


@dataclass
class Doc:
    variables: dict = field(default_factory=dict)
    definitions: list[str] = field(default_factory=list)  # "$v: Int"
    fragments: list[str] = field(default_factory=list)
    counter: int = 0

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def text(self, root: str) -> str:
        head = f"query Q({', '.join(self.definitions)})" if self.definitions else "query Q"
        return f"{head} {{ {root} }}\n" + "\n".join(self.fragments)


class Builder:
    def __init__(self, draw) -> None:
        self.draw = draw
        self.doc = Doc()
        self.refused = False  # an argument the resolvers refuse was drawn

    def _value(self, value, graphql_type: str) -> str:
        """A literal, or a variable carrying the value."""
        if self.draw(st.booleans()):
            name = self.doc.fresh("v")
            self.doc.definitions.append(f"${name}: {graphql_type}")
            self.doc.variables[name] = value
            return f"${name}"
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int) else f'"{value}"'

    def _key(self, name: str) -> str:
        return f"{self.doc.fresh('k')}: {name}" if self.draw(st.integers(0, 3)) == 0 else name

    def _wrap(self, type_name: str, body: str) -> str:
        """The selection as is, or through an inline fragment, a named fragment or a directive."""
        how = self.draw(st.sampled_from(["plain", "plain", "inline", "fragment", "include", "skip"]))
        if how == "inline":
            return f"... on {type_name} {{ {body} }}"
        if how == "fragment":
            name = self.doc.fresh("F")
            self.doc.fragments.append(f"fragment {name} on {type_name} {{ {body} }}")
            return f"...{name}"
        if how in ("include", "skip"):
            flag = self._value(self.draw(st.booleans()), "Boolean!")
            return f"... @{how}(if: {flag}) {{ {body} }}"
        return body

    def _fields(self, type_name: str, names: list[str], nested) -> str:
        chosen = self.draw(st.lists(st.sampled_from([*names, "__typename"]), min_size=1, max_size=5))
        parts = [self._key(n) for n in chosen]
        for extra in nested:
            if self.draw(st.booleans()):
                parts.append(extra())
        if self.draw(st.integers(0, 14)) == 0:
            parts.append(self.draw(st.sampled_from(UNCOVERED[type_name])))
        if type_name != "OrgUnit" and self.draw(st.integers(0, 5)) == 0:
            parts.append("... on Node { id }")
        return self._wrap(type_name, " ".join(parts))

    def _page_args(self, firsts: list, max_id: int, refused_firsts: tuple) -> str:
        """At most one refused argument per document: with two, which error the executor reports
        depends on which resolver finishes first."""
        args = []
        if self.refused:
            firsts = [f for f in firsts if f not in refused_firsts]
        first = self.draw(st.sampled_from(firsts))
        self.refused |= first in refused_firsts
        if first != "omit":
            args.append(f"first: {self._value(first, 'Int')}")
        after = self.draw(st.sampled_from(["omit", "omit", "cursor"] + ([] if self.refused else ["bogus"])))
        self.refused |= after == "bogus"
        if after == "cursor":
            args.append(f"after: {self._value(to_cursor(self.draw(st.integers(0, max_id))), 'String')}")
        elif after == "bogus":
            args.append(f"after: {self._value('bm90IGEgY3Vyc29y', 'String')}")
        return f"({', '.join(args)})" if args else ""

    def _connection(self, connection: str, node_type: str, node) -> str:
        parts = []
        for part in self.draw(st.lists(st.sampled_from(["totalCount", "nodes", "edges", "pageInfo", "__typename"]),
                                       min_size=1, max_size=4)):  # fmt: skip
            if part == "nodes":
                parts.append(f"{self._key('nodes')} {{ {node()} }}")
            elif part == "edges":
                edge = self.draw(st.lists(st.sampled_from(["cursor", "node", "__typename"]), min_size=1, max_size=3))
                inner = " ".join(f"node {{ {node()} }}" if e == "node" else e for e in edge)
                parts.append(f"{self._key('edges')} {{ {inner} }}")
            elif part == "pageInfo":
                info = self.draw(st.lists(st.sampled_from(
                    ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"]), min_size=1, max_size=4))  # fmt: skip
                parts.append(f"{self._key('pageInfo')} {{ {' '.join(info)} }}")
            else:
                parts.append(self._key(part))
        return self._wrap(connection, " ".join(parts))

    def certificate(self) -> str:
        return self._fields("Certificate", CERTIFICATE_FIELDS, [])

    def unit(self) -> str:
        return f"{self._key('responsibleUnit')} {{ {self._fields('OrgUnit', UNIT_FIELDS, [])} }}"

    def certificates(self) -> str:
        args = self._page_args(["omit", 0, 1, 2, 3, 20, None, 101], 120, (None, 101))
        body = self._connection("CertificateConnection", "Certificate", self.certificate)
        return f"{self._key('certificates')}{args} {{ {body} }}"

    def factory(self) -> str:
        return self._fields("Factory", FACTORY_FIELDS, [self.unit, self.certificates])

    def document(self) -> tuple[str, dict]:
        roots = []
        for _ in range(self.draw(st.integers(1, 2))):
            args = self._page_args([0, 1, 2, 5, 50, "omit"], 40, ("omit",))  # no first: refused
            body = self._connection("FactoryConnection", "Factory", self.factory)
            roots.append(f"{self.doc.fresh('r')}: factories{args} {{ {body} }}")
        if self.draw(st.booleans()):
            roots.append("__typename")
        return self.doc.text(" ".join(roots)), self.doc.variables


@st.composite
def documents(draw) -> tuple[str, dict]:
    return Builder(draw).document()
