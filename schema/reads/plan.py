"""A query operation planned with graphql-core's own field collection and argument coercion: fragments, inline
fragments, @include/@skip, aliases and repeated fields exactly as execution sees them; variables coerced as
execution coerces them. Anything the planner does not know, or any refusal, leaves the operation to normal
execution, which answers it (and words every error) itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    get_operation_ast,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, FragmentDetails, collect_fields, collect_subfields
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from schema.reads.arguments import ARGUMENTS, Asking
from sql.compiled import Sel, Unanswerable


class Planner:
    """Plans one operation of a document for the given variables, viewer and day."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> None:
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.QUERY or schema.query_type is None:
            raise Unanswerable("not a query")
        self.schema, self.operation, self.query = schema, operation, schema.query_type
        self.fragments = {
            d.name.value: FragmentDetails(d) for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def plan(self, variables: Mapping[str, Any], asking: Asking) -> tuple[Sel, ...]:
        coerced = get_variable_values(self.schema, self.operation.variable_definitions or (), dict(variables))
        if not isinstance(coerced, VariableValues):
            raise Unanswerable("variables refused")  # normal execution refuses them, in its words
        collected = collect_fields(self.schema, self.fragments, coerced, self.query, self.operation)
        if collected.new_defer_usages:
            raise Unanswerable("@defer")
        return tuple(
            self.field(key, details, self.query, coerced, asking)
            for key, details in collected.grouped_field_set.items()
        )

    def field(
        self, key: str, details: FieldDetailsList, parent: GraphQLObjectType, variables: VariableValues, asking: Asking
    ) -> Sel:
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            return Sel(key, name)
        definition = parent.fields.get(name)
        if definition is None:
            raise Unanswerable(name)  # introspection
        try:
            args: Mapping[str, Any] = get_argument_values(definition, node, variables)
            prepare = ARGUMENTS.get((parent.name, name))
            if prepare is not None:
                args = prepare(args, asking)
        except Exception as e:
            raise Unanswerable(str(e)) from e
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return Sel(key, name, args)
        if not is_object_type(named):
            raise Unanswerable(f"{name}: an interface or union")
        assert isinstance(named, GraphQLObjectType)
        sub = collect_subfields(self.schema, self.fragments, variables, self.operation, named, details)
        if sub.new_defer_usages:
            raise Unanswerable("@defer")
        return Sel(
            key,
            name,
            args,
            tuple(self.field(k, d, named, variables, asking) for k, d in sub.grouped_field_set.items()),
        )
