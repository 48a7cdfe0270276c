"""Queries of modifications."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.enums import value
from schema.errors import bad_user_input
from schema.modifications.types import Modification, ModificationFilter
from schema.relay import After, Before, Connection, First, Last, keys_of, page_of, text_key, window
from sql import modifications
from sql.errors import InvalidInput


@strawberry.type
class ModificationQuery:
    @strawberry.field(description="Modifications by reference.")
    async def modifications(
        self,
        info: Info,
        filter: Annotated[
            ModificationFilter | None, strawberry.argument(description="Only the modifications that match it.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Modification]:
        w = window(first, after, last, before)
        f = filter or ModificationFilter()
        after_key, before_key = keys_of(w, 1, text_key)
        args = dict(
            stage=value(f.stage),
            path=value(f.path),
            text_contains=f.text_contains,
            raised_from=f.raised_from,
            raised_to=f.raised_to,
        )
        async with info.context.connection() as conn:
            rows = await modifications.page(
                conn,
                after=after_key,
                before=before_key,
                backward=w.backward,
                limit=w.limit + 1,
                **args,  # type: ignore[arg-type]
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await modifications.count(conn, **args)  # type: ignore[arg-type]

        return page_of(
            rows,
            w,
            key=lambda r: [r.reference],
            node=Modification.from_row,
            counter=total,
        )

    @strawberry.field(description='"SECMP0019", "MP118", "MP134A"; a former reference finds the same one.')
    async def modification(
        self,
        info: Info,
        reference: Annotated[
            str, strawberry.argument(description="Its reference, current or former (case-insensitive).")
        ],
    ) -> Modification | None:
        try:
            ref = modifications.check_reference(reference)
        except InvalidInput as e:
            raise bad_user_input(e.message) from e
        async with info.context.connection() as conn:
            row = await modifications.by_reference(conn, reference=ref)
        return Modification.from_row(row) if row else None
