"""The few SQL spellings that differ between SQLite and PostgreSQL for building JSON.

Every value goes in as a parameter (`Params.add`), response keys and type names included: keys
are aliases the client chose. Parameters may also be `Slot`s, filled per request (the viewer's
unit ids, today), so that one statement text serves every viewer."""

from __future__ import annotations

import base64
import enum


class Slot(enum.Enum):
    FACTORY_READ = "factory read"  # unit ids whose factories the viewer may read
    CLASS_READ = "class read"  # ... whose factories' class the viewer may read
    CERTIFICATE_READ = "certificate read"  # ... whose factories' certificates the viewer may read
    TODAY = "today"


class Params:
    def __init__(self, dialect: Dialect) -> None:
        self.values: list = []
        self._dialect = dialect

    def add(self, value, cast: str = "") -> str:
        self.values.append(value)
        return self._dialect.placeholder(len(self.values), cast)


class Dialect:
    name: str

    def placeholder(self, number: int, cast: str) -> str:
        raise NotImplementedError


class Sqlite(Dialect):
    """json_object / json_group_array; a JSON value read back from a subquery loses its JSON
        subtype and would be embedded as a string, hence json() around each subquery's value (and only
    there: SQLite's parser stack is about 100 levels deep)."""

    name = "sqlite"
    B64 = "surveil_b64"  # registered on the connection (server/compiled/run.py)

    def placeholder(self, number: int, cast: str) -> str:
        return f"?{number}"  # numbered: values are added as the text is built, not in its order

    def obj(self, pairs: list[tuple[str, str]]) -> str:
        return "json_object(" + ", ".join(f"{k}, {v}" for k, v in pairs) + ")"

    def nested(self, expr: str) -> str:
        return f"json({expr})"

    def agg(self, expr: str, order: str) -> str:
        # Rows arrive in the subquery's ORDER BY; SQLite 3.40 has no ORDER BY inside aggregates.
        # `expr` is a json_object() call: its JSON subtype holds without json() around it.
        return f"json_group_array({expr})"

    def boolean(self, condition: str) -> str:
        return f"json(CASE WHEN {condition} THEN 'true' ELSE 'false' END)"

    def base64(self, text: str) -> str:
        return f"{self.B64}({text})"

    def in_units(self, column: str, placeholder: str) -> str:
        return f"{column} IN (SELECT value FROM json_each({placeholder}))"  # noqa: S608 (a placeholder)

    def concat(self, prefix: str, number: str) -> str:
        return f"({prefix} || {number})"

    def slot_value(self, slot: Slot, value):
        if slot is Slot.TODAY:
            return value.isoformat()  # dates are stored as ISO text
        return "[" + ",".join(str(i) for i in sorted(value)) + "]"


class Postgres(Dialect):
    name = "postgres"

    def placeholder(self, number: int, cast: str) -> str:
        return f"${number}{cast}"

    def obj(self, pairs: list[tuple[str, str]]) -> str:
        return "json_build_object(" + ", ".join(f"{k}, {v}" for k, v in pairs) + ")"

    def nested(self, expr: str) -> str:
        return expr

    def agg(self, expr: str, order: str) -> str:
        return f"coalesce(json_agg({expr} ORDER BY {order}), '[]'::json)"

    def boolean(self, condition: str) -> str:
        return f"({condition})"

    def base64(self, text: str) -> str:
        # encode() wraps lines at 76 characters and pads: unwrap, unpad, URL-safe alphabet.
        return f"rtrim(translate(encode(convert_to({text}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"

    def in_units(self, column: str, placeholder: str) -> str:
        return f"{column} = ANY({placeholder})"

    def concat(self, prefix: str, number: str) -> str:
        return f"({prefix} || {number}::text)"

    def slot_value(self, slot: Slot, value):
        if slot is Slot.TODAY:
            return value
        return sorted(value)


SLOT_CASTS = {Slot.TODAY: "::date"}
SET_CAST = "::int[]"


def dialect_named(name: str) -> Dialect:
    if name == "sqlite":
        return Sqlite()
    if name == "postgres":
        return Postgres()
    raise LookupError(name)


def urlsafe_b64(text: str | None) -> str | None:
    """SQLite's surveil_b64: schema.relay's encoding (unpadded URL-safe base64 of UTF-8)."""
    if text is None:
        return None
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
