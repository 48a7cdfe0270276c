"""For a query whose answer the API may keep (its response cache): the data version, read before the query's first
statement, so the answer is kept under a version no newer than the data it shows. A query that runs no SQL (or is
refused before any) reads nothing, and is not kept."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from sql import health
from sql.db import Conn


class DataVersionFirst(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if getattr(ctx, "keep_answer", False) and self.execution_context.operation_type is OperationType.QUERY:
            ctx.answer_keepable = True
            if ctx.data_version is None:

                async def read(conn: Conn) -> None:
                    ctx.data_version = await health.data_version(conn)

                ctx.db.before_first = read
        yield
