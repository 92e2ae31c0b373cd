"""Every type, field, argument, input field and enum value of the contract is described (issue 15).
The conventions every list and mutation shares (first/after, input, userErrors, expectedVersion,
the Relay edge and page types) are described once, in schema/conventions.py and schema/relay.py."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
)

from server.cli import SCHEMA_PATH

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undocumented(sdl: str) -> list[str]:
    schema, missing = build_schema(sdl), []
    for name, gql_type in schema.type_map.items():
        if name.startswith("__") or (isinstance(gql_type, GraphQLScalarType) and name in BUILT_IN):
            continue
        if not gql_type.description:
            missing.append(f"type {name}")
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in gql_type.fields.items():
                if not field.description:
                    missing.append(f"field {name}.{field_name}")
                missing += [
                    f"argument {name}.{field_name}({a})" for a, arg in field.args.items() if not arg.description
                ]
        elif isinstance(gql_type, GraphQLInputObjectType):
            missing += [f"input field {name}.{f}" for f, field in gql_type.fields.items() if not field.description]
        elif isinstance(gql_type, GraphQLEnumType):
            missing += [f"enum value {name}.{v}" for v, value in gql_type.values.items() if not value.description]
    return missing


def test_every_part_of_the_contract_is_described():
    missing = undocumented(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert not missing, (
        f"{len(missing)} undescribed (strawberry.field(description=...), "
        "Annotated[..., strawberry.argument(description=...)], strawberry.enum_value):\n" + "\n".join(missing)
    )


def test_the_check_finds_each_kind_of_gap():
    sdl = """
    type Query { "ok" factory(id: ID): Factory }
    type Factory { province: String }
    input FactoryFilter { "ok" country: String  province: String }
    "ok" enum Level { "ok" A  B }
    """
    assert undocumented(sdl) == [
        "type Query",
        "argument Query.factory(id)",
        "type Factory",
        "field Factory.province",
        "type FactoryFilter",
        "input field FactoryFilter.province",
        "enum value Level.B",
    ]


def test_each_notice_kind_is_described_by_its_title_in_both_languages():
    """A client lists notice kinds (preferences, routes) by these words, not by stored codes."""
    from domain.notices import NoticeKind

    kinds = build_schema(SCHEMA_PATH.read_text(encoding="utf-8")).type_map["NoticeKind"]
    for name, value in kinds.values.items():
        text = value.description
        assert f"(code `{NoticeKind[name].value}`)" in text, (name, text)
        assert any("\u4e00" <= c <= "\u9fff" for c in text) and any(c.isascii() and c.isalpha() for c in text), text
        assert "{" not in text, text  # the title's placeholders are left out


def test_each_audit_action_says_what_happened_beside_its_stored_name():
    from domain.audit_events import AuditAction

    actions = build_schema(SCHEMA_PATH.read_text(encoding="utf-8")).type_map["AuditAction"]
    assert set(actions.values) == {a.name for a in AuditAction}
    for name, value in actions.values.items():
        assert value.description.endswith(f"(recorded as `{AuditAction[name].value}`)"), value.description
        assert any("\u4e00" <= c <= "\u9fff" for c in value.description), value.description
