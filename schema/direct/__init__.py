"""Hot reads answered straight from their rows, as PostGraphile answers a whole operation from its SQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import ExecutionResult, FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.cost import operation_of, with_defaults
from schema.direct.exceptions import exception_page
from schema.direct.parties import party_page
from schema.direct.selection import NotDirect
from schema.direct.statistics import membership_statistics
from sql.db import Conn

__all__ = ["FIELDS", "DirectReads", "NotDirect", "answer"]

Field = Callable[[Conn, Any, FieldNode, Mapping[str, Any]], Awaitable[Any]]
FIELDS: dict[str, Field] = {
    "parties": party_page,
    "exceptions": exception_page,
    "membershipStatistics": membership_statistics,
}


async def answer(ctx: Any, operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The whole operation's data; NotDirect when it is not one of these."""
    tops = operation.selection_set.selections
    if not all(isinstance(s, FieldNode) and not s.directives and s.name.value in (*FIELDS, "__typename") for s in tops):
        raise NotDirect
    data: dict[str, Any] = {}
    for node in tops:
        assert isinstance(node, FieldNode)
        key = node.alias.value if node.alias else node.name.value
        if node.name.value == "__typename":
            data[key] = "Query"
            continue
        async with ctx.connection() as conn:
            data[key] = await FIELDS[node.name.value](conn, ctx, node, variables)
    return data


class DirectReads(SchemaExtension):
    """Answers the operation here when it is one of these; otherwise lets graphql-core execute it.

    graphql-core resolves each field of each object through strawberry's resolver machinery: a page of 100 Parties
    with their Voting Groups is some 900 field resolutions, several times the cost of the SQL. When an operation
    asks only for pages of Parties or exceptions, with plain fields and their to-one relations (no fragments, no
    directives, no filter), or for membershipStatistics' plain fields, it is answered here instead: the same
    statements on the request's connection (page, relations in one batch each, count; each only when selected), and
    the answer built in one pass over the rows. Anything else (or any doubt: an argument to check, a viewer without
    rights) goes the ordinary way, which gives the same answer and every error (a test compares the two on many
    selections).
    """

    async def on_execute(self) -> Any:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None and ec.operation_type is OperationType.QUERY:
            operation = operation_of(document, ec.operation_name)
            if operation is not None and not operation.directives:
                try:
                    data = await answer(ec.context, operation, with_defaults(operation, ec.variables or {}))
                except (NotDirect, GraphQLError):
                    pass  # not one of these, or an argument to refuse: the ordinary way says it properly
                except Exception as e:  # noqa: BLE001 - the database failed (a timeout): reported as execution would
                    ec.result = ExecutionResult(data=None, errors=[GraphQLError(str(e), original_error=e)])
                else:
                    ec.result = ExecutionResult(data=data, errors=None)
        yield
