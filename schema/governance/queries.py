"""Queries of governance."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

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
from schema.relay import After, Before, Connection, First, Last, keys_of, page_of, pk_of, text_key, window
from sql import governance


def highlight_key(key: list[Any]) -> tuple[date, int]:
    """A highlight's position in the list: (published on, id)."""
    return date.fromisoformat(key[0]), int(key[1])


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
        last: Last = None,
        before: Before = None,
    ) -> Connection[Highlight]:
        w = window(first, after, last, before)
        f = filter or HighlightFilter()
        after_key, before_key = keys_of(w, 2, highlight_key)
        args = dict(
            viewer=info.context.viewer,
            body_code=f.body_code,
            from_date=f.from_,
            to_date=f.to,
            text_contains=f.text_contains,
        )
        async with info.context.connection() as conn:
            rows = await governance.highlights_page(
                conn,
                after=after_key,
                before=before_key,
                backward=w.backward,
                limit=w.limit + 1,
                **args,  # type: ignore[arg-type]
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await governance.highlights_count(conn, **args)  # type: ignore[arg-type]

        return page_of(
            rows,
            w,
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
        last: Last = None,
        before: Before = None,
    ) -> Connection[Action]:
        w = window(first, after, last, before)
        f = filter or ActionFilter()
        try:
            meeting = pk_of(f.meeting_id, "Meeting", field="meetingId") if f.meeting_id is not None else None
        except BadId as e:
            raise bad_user_input(e.message) from e
        after_key, before_key = keys_of(w, 1, text_key)
        viewer = info.context.viewer
        async with info.context.connection() as conn:
            rows = await governance.actions_page(
                conn,
                viewer=viewer,
                meeting_id=meeting,
                status=value(f.status),
                after=after_key,
                before=before_key,
                backward=w.backward,
                limit=w.limit + 1,
            )

        async def total() -> int:
            async with info.context.connection() as conn:
                return await governance.actions_count(conn, viewer=viewer, meeting_id=meeting, status=value(f.status))

        return page_of(
            rows,
            w,
            key=lambda r: [r.reference],
            node=Action.from_row,
            counter=total,
        )
