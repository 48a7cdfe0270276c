"""The read path: a query operation whose every field is mapped is answered by SQL that returns its JSON (one
statement per top-level field, on the request's one connection); any other operation by normal execution."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import orjson
from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from domain.periods import today
from domain.viewer import Viewer
from schema.reads.arguments import Asking
from schema.reads.plan import Planner
from sql.compiled import Sel, Unanswerable, compile_root
from sql.errors import is_unavailable
from sql.read_model import TYPES

__all__ = ["CompiledReads", "ReadPath", "Unanswerable"]

log = logging.getLogger("secgov.reads")

Statements = tuple[tuple[str, str | None, list[Any]], ...]  # (response key, SQL or None for __typename, parameters)


class ReadPath:
    """Plans and statements, kept per (document, operation, day, viewer's clearance) and, under each, per variables:
    the variables decide what @include/@skip keep and every argument, the day what `today` is, the clearance what is
    visible. Bounded twice, so that no client grows it: a few variable sets per document (a client paging through
    cursors or asking for many IDs keeps only its latest), and the bytes of the statements kept in all."""

    def __init__(self, documents: int = 256, per_document: int = 8, max_bytes: int = 8 * 1024 * 1024) -> None:
        self.schema: GraphQLSchema | None = None
        self.documents, self.per_document, self.max_bytes = documents, per_document, max_bytes
        self.kept: OrderedDict[tuple[Any, ...], OrderedDict[bytes, tuple[Statements | None, int]]] = OrderedDict()
        self.bytes = 0
        self.enabled = True

    def statements(
        self, text: str, document: DocumentNode, operation: str | None, variables: Mapping[str, Any], viewer: Viewer
    ) -> Statements | None:
        """The statements answering the operation; None when normal execution must answer it."""
        asking = Asking(today(), viewer)
        clearance = (viewer.role, viewer.all_bodies, viewer.party_id)
        try:
            given = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None  # variables JSON never gives (an upload): not a read of ours
        key = (text, operation, asking.today, clearance)
        by_variables = self.kept.get(key)
        if by_variables is not None:
            self.kept.move_to_end(key)
            if given in by_variables:
                by_variables.move_to_end(given)
                return by_variables[given][0]
        found = self.compile(document, operation, variables, asking)
        self._keep(key, given, found, len(text) + len(given) + _size(found))
        return found

    def _keep(self, key: tuple[Any, ...], given: bytes, found: Statements | None, size: int) -> None:
        by_variables = self.kept.setdefault(key, OrderedDict())
        self.kept.move_to_end(key)
        by_variables[given] = (found, size)
        self.bytes += size
        if len(by_variables) > self.per_document:
            self.bytes -= by_variables.popitem(last=False)[1][1]
        while self.kept and (len(self.kept) > self.documents or self.bytes > self.max_bytes):
            _, dropped = self.kept.popitem(last=False)
            self.bytes -= sum(n for _, n in dropped.values())

    def compile(
        self, document: DocumentNode, operation: str | None, variables: Mapping[str, Any], asking: Asking
    ) -> Statements | None:
        assert self.schema is not None
        try:
            plan = Planner(self.schema, document, operation).plan(variables, asking)
            return tuple(_statement(s) for s in plan)
        except Unanswerable:
            return None


def _size(found: Statements | None) -> int:
    """What a plan's statements hold, roughly: their SQL text and a word per parameter."""
    return sum(len(sql or "") + 64 * len(params) for _, sql, params in found or ())


def _statement(sel: Sel) -> tuple[str, str | None, list[Any]]:
    if sel.field == "__typename":
        return sel.key, None, []
    sql, params = compile_root(TYPES, "Query", sel)
    return sel.key, sql, params


class CompiledReads(SchemaExtension):
    """Answers a query operation from its compiled statements when it has them; otherwise lets graphql-core execute
    it. A statement that fails because the database did (a timeout) is reported as execution reports a failed
    field; one that fails otherwise is a fault of the compiled path: normal execution answers instead."""

    def __init__(self, path: ReadPath) -> None:
        self.path = path

    async def on_execute(self) -> Any:
        ec = self.execution_context
        document = ec.graphql_document
        if self.path.enabled and document is not None and ec.query and ec.operation_type is OperationType.QUERY:
            statements = self.path.statements(
                ec.query, document, ec.operation_name, ec.variables or {}, ec.context.viewer
            )
            if statements is not None:
                try:
                    data = await _run(ec.context, statements)
                except Exception as e:
                    if is_unavailable(e):  # the database failed (a timeout): reported as execution would
                        ec.result = ExecutionResult(data=None, errors=[GraphQLError(str(e), original_error=e)])
                    else:  # a compiled statement at fault: normal execution answers, and the fault is logged
                        log.error("compiled read failed; answered by normal execution", exc_info=e)
                else:
                    ec.result = ExecutionResult(data=data, errors=None)
        yield


async def _run(ctx: Any, statements: Statements) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, sql, params in statements:
        if sql is None:
            data[key] = "Query"
            continue
        async with ctx.connection() as conn:
            text = await conn.fetchval(sql, *params)
        data[key] = orjson.loads(text)
    return data
