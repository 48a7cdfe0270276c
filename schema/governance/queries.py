"""Queries of governance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from schema.context import Info
from schema.enums import value
from schema.errors import BadId, bad_user_input
from schema.governance.types import (
    Action,
    ActionFilter,
    Body,
    Highlight,
    HighlightFilter,
)
from schema.relay import After, Connection, First, connection, decode_cursor, page_size, pk_of
from sql import governance


@strawberry.type
class GovernanceQuery:
    @strawberry.field(description="Every body, by code.")
    async def bodies(self, info: Info) -> list[Body]:
        async with info.context.connection() as conn:
            return [Body.from_row(r) for r in await governance.bodies(conn)]

    @strawberry.field(description="Highlights the caller may see, newest first.")
    async def highlights(
        self,
        info: Info,
        filter: Annotated[
            HighlightFilter | None, strawberry.argument(description="Only the highlights that match it.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Highlight]:
        limit = page_size(first)
        f = filter or HighlightFilter()
        try:
            cursor = decode_cursor(after, 2) if after is not None else None
            key = (date.fromisoformat(cursor[0]), int(cursor[1])) if cursor else None
        except (BadId, ValueError, TypeError) as e:
            raise bad_user_input(f"{after!r} is not a valid cursor") from e
        args = dict(
            viewer=info.context.viewer,
            body_code=f.body_code,
            from_date=f.from_,
            to_date=f.to,
            text_contains=f.text_contains,
        )
        async with info.context.connection() as conn:
            rows = await governance.highlights_page(conn, after=key, limit=limit + 1, **args)  # type: ignore[arg-type]

        async def total() -> int:
            async with info.context.connection() as conn:
                return await governance.highlights_count(conn, **args)  # type: ignore[arg-type]

        return connection(
            rows,
            limit=limit,
            after=after,
            key=lambda r: [r.published_on.isoformat(), r.id],
            node=Highlight.from_row,
            counter=total,
        )

    @strawberry.field(description="Panel actions and decisions the caller may see, by reference.")
    async def actions(
        self,
        info: Info,
        filter: Annotated[
            ActionFilter | None, strawberry.argument(description="Only the actions and decisions that match it.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Action]:
        limit = page_size(first)
        f = filter or ActionFilter()
        try:
            meeting = pk_of(f.meeting_id, "Meeting", field="meetingId") if f.meeting_id is not None else None
            cursor = decode_cursor(after, 1) if after is not None else None
        except BadId as e:
            raise bad_user_input(e.message) from e
        if cursor is not None and not isinstance(cursor[0], str):
            raise bad_user_input(f"{after!r} is not a valid cursor")
        viewer = info.context.viewer
        async with info.context.connection() as conn:
            rows = await governance.actions_page(
                conn,
                viewer=viewer,
                meeting_id=meeting,
                status=value(f.status),
                after=str(cursor[0]) if cursor else None,
                limit=limit + 1,
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await governance.actions_count(conn, viewer=viewer, meeting_id=meeting, status=value(f.status))

        return connection(
            rows, limit=limit, after=after, key=lambda r: [r.reference], node=Action.from_row, counter=total
        )
