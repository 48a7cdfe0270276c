"""The schema documents itself: every type, field, argument and enum value has a description (GraphiQL's docs and
every client generated from schema.graphql show them)."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)

from schema.root import build_schema as build_ours

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every type, field, argument and enum value without a description, by its schema coordinate."""
    missing: list[str] = []

    def check(coordinate: str, description: str | None) -> None:
        if not (description or "").strip():
            missing.append(coordinate)

    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN:
            continue
        check(name, kind.description)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                check(f"{name}.{field_name}", field.description)
                for arg_name, arg in field.args.items():
                    check(f"{name}.{field_name}({arg_name}:)", arg.description)
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, input_field in kind.fields.items():
                check(f"{name}.{field_name}", input_field.description)
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                check(f"{name}.{value_name}", value.description)
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undescribed(build_schema(build_ours().as_str()))
    assert not missing, f"{len(missing)} without a description:\n" + "\n".join(missing)


def test_the_check_finds_what_is_missing() -> None:
    sdl = """"A described type." type Query { "Described." a(x: Int): E  b: Int }  enum E { "Described." ON OFF }"""
    assert undescribed(build_schema(sdl)) == ["E", "E.OFF", "Query.a(x:)", "Query.b"]
