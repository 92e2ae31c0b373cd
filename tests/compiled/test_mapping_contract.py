"""One source of truth: every field of a compiled type has its SQL mapping declared on the type
(schema/sql_fields.py), or is named here as answered by the executor. A field added to a type,
or a mapping removed, fails this test until the list or the mapping says what happens to it."""

from __future__ import annotations

from server.graphql import build_schema

# Fields the compiler does not cover: a document that selects one runs through the executor.
FALLS_BACK = {
    "Factory": {"mergedInto"},
    "Certificate": {
        "suspensionExpired",
        "spotChecks",
        "factory",
        "productCategory",
        "implementationRule",
        "publicStatusUrl",
        "statusHistory",
    },
    "OrgUnit": {"provinces", "countries", "regions"},
}


def _mapped_and_unmapped(type_name: str) -> tuple[set[str], set[str]]:
    graphql_type = build_schema()._schema.get_type(type_name)
    mapped, unmapped = set(), set()
    for name, field in graphql_type.fields.items():
        definition = field.extensions.get("strawberry-definition")
        (mapped if definition is not None and "sql" in definition.metadata else unmapped).add(name)
    return mapped, unmapped


def test_every_field_of_a_compiled_type_is_mapped_or_falls_back():
    for type_name, falls_back in FALLS_BACK.items():
        mapped, unmapped = _mapped_and_unmapped(type_name)
        assert unmapped == falls_back, f"{type_name}: map these or list them as falling back"
        assert not mapped & falls_back


def test_the_compiled_fields_are_those_the_issue_covers():
    assert _mapped_and_unmapped("Factory")[0] == {
        "id", "code", "name", "address", "country", "province", "status", "version", "classification",
        "responsibleUnit", "certificates",
    }  # fmt: skip
    assert _mapped_and_unmapped("OrgUnit")[0] == {"id", "code", "name", "nameZh", "kind"}
    assert _mapped_and_unmapped("Certificate")[0] == {
        "id", "number", "holder", "status", "issuedOn", "expiresOn", "suspendedUntil", "suspensionGround", "version",
    }  # fmt: skip
