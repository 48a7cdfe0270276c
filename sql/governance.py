"""Bodies, meetings, highlights and Panel actions; classified items are filtered by the viewer in SQL."""

from __future__ import annotations

from datetime import date

import asyncpg

from domain.viewer import Viewer
from sql.db import Conn
from sql.errors import Conflict, NotFound
from sql.loader import fetch, fetchrow, fetchval
from sql.rows import (
    ActionRow,
    BodyRow,
    HighlightRow,
    MeetingRow,
    from_record,
    from_records,
)


async def bodies(conn: Conn) -> list[BodyRow]:
    return from_records(BodyRow, await fetch(conn, "bodies.list"))


async def bodies_by_ids(conn: Conn, *, ids: list[int]) -> list[BodyRow]:
    return from_records(BodyRow, await fetch(conn, "bodies.by_ids", ids=ids))


async def body_by_code(conn: Conn, *, code: str) -> BodyRow:
    row = await fetchrow(conn, "bodies.by_code", code=code)
    if row is None:
        raise NotFound(f"no body with code {code!r}", field="bodyCode")
    return from_record(BodyRow, row)


async def create_body(conn: Conn, *, code: str, name: str) -> BodyRow:
    row = await fetchrow(conn, "bodies.insert", code=code, name=name)
    if row is None:
        raise Conflict(f"a body with code {code!r} already exists", field="code")
    return from_record(BodyRow, row)


async def meetings_of_bodies(conn: Conn, *, body_ids: list[int], viewer: Viewer) -> list[MeetingRow]:
    rows = await fetch(conn, "meetings.page_of_bodies", body_ids=body_ids, **viewer.sql_args())
    return from_records(MeetingRow, rows)


async def meetings_by_ids(conn: Conn, *, ids: list[int], viewer: Viewer) -> list[MeetingRow]:
    return from_records(MeetingRow, await fetch(conn, "meetings.by_ids", ids=ids, **viewer.sql_args()))


async def create_meeting(
    conn: Conn,
    *,
    body_id: int,
    reference: str,
    held_on: date,
    title: str | None,
    classification: str,
    note: str | None = None,
) -> int:
    meeting_id: int | None = await fetchval(
        conn,
        "meetings.insert",
        body_id=body_id,
        reference=reference,
        held_on=held_on,
        title=title,
        classification=classification,
        note=note,
    )
    if meeting_id is None:
        raise Conflict(f"a meeting with reference {reference!r} already exists", field="reference")
    return meeting_id


async def update_meeting(
    conn: Conn, *, id: int, held_on: date | None, title: str | None, classification: str | None
) -> int:
    found: int | None = await fetchval(
        conn, "meetings.update", id=id, held_on=held_on, title=title, classification=classification
    )
    if found is None:
        raise NotFound("no such meeting", field="id")
    return found


async def highlights_page(
    conn: Conn,
    *,
    viewer: Viewer,
    body_code: str | None,
    from_date: date | None,
    to_date: date | None,
    text_contains: str | None,
    after: tuple[date, int] | None,
    limit: int,
    before: tuple[date, int] | None = None,
    backward: bool = False,
) -> list[HighlightRow]:
    """A page; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "highlights.page_backward" if backward else "highlights.page",
        body_code=body_code,
        from_date=from_date,
        to_date=to_date,
        text_contains=text_contains,
        after_date=after[0] if after else None,
        after_id=after[1] if after else None,
        before_date=before[0] if before else None,
        before_id=before[1] if before else None,
        limit=limit,
        **viewer.sql_args(),
    )
    return from_records(HighlightRow, rows)


async def highlights_count(
    conn: Conn,
    *,
    viewer: Viewer,
    body_code: str | None,
    from_date: date | None,
    to_date: date | None,
    text_contains: str | None,
) -> int:
    n: int = await fetchval(
        conn,
        "highlights.count",
        body_code=body_code,
        from_date=from_date,
        to_date=to_date,
        text_contains=text_contains,
        **viewer.sql_args(),
    )
    return n


async def highlights_by_ids(conn: Conn, *, ids: list[int], viewer: Viewer) -> list[HighlightRow]:
    return from_records(HighlightRow, await fetch(conn, "highlights.by_ids", ids=ids, **viewer.sql_args()))


async def create_highlight(
    conn: Conn,
    *,
    body_id: int,
    meeting_id: int | None,
    title: str,
    body: str,
    classification: str,
    published_on: date,
) -> int:
    try:
        highlight_id: int = await fetchval(
            conn,
            "highlights.insert",
            body_id=body_id,
            meeting_id=meeting_id,
            title=title,
            body=body,
            classification=classification,
            published_on=published_on,
        )
    except asyncpg.ForeignKeyViolationError as e:
        if e.constraint_name == "highlights_meeting_id_fkey":
            raise NotFound("no such meeting", field="meetingId") from e
        raise
    return highlight_id


async def actions_page(
    conn: Conn,
    *,
    viewer: Viewer,
    meeting_id: int | None,
    status: str | None,
    after: str | None,
    limit: int,
    before: str | None = None,
    backward: bool = False,
) -> list[ActionRow]:
    """A page; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "actions.page_backward" if backward else "actions.page",
        meeting_id=meeting_id,
        status=status,
        after_reference=after,
        before_reference=before,
        limit=limit,
        **viewer.sql_args(),
    )
    return from_records(ActionRow, rows)


async def actions_count(conn: Conn, *, viewer: Viewer, meeting_id: int | None, status: str | None) -> int:
    n: int = await fetchval(conn, "actions.count", meeting_id=meeting_id, status=status, **viewer.sql_args())
    return n


async def actions_by_ids(conn: Conn, *, ids: list[int], viewer: Viewer) -> list[ActionRow]:
    return from_records(ActionRow, await fetch(conn, "actions.by_ids", ids=ids, **viewer.sql_args()))


async def create_action(
    conn: Conn,
    *,
    reference: str,
    meeting_id: int,
    kind: str,
    text: str,
    owner: str | None,
    status: str,
    outcome: str | None,
    due_on: date | None,
    classification: str,
) -> int:
    try:
        action_id: int | None = await fetchval(
            conn,
            "actions.insert",
            reference=reference,
            meeting_id=meeting_id,
            kind=kind,
            text=text,
            owner=owner,
            status=status,
            outcome=outcome,
            due_on=due_on,
            classification=classification,
        )
    except asyncpg.ForeignKeyViolationError as e:
        if e.constraint_name == "actions_meeting_id_fkey":
            raise NotFound("no such meeting", field="meetingId") from e
        raise
    if action_id is None:
        raise Conflict(f"an action with reference {reference!r} already exists", field="reference")
    return action_id


async def update_action(
    conn: Conn,
    *,
    id: int,
    status: str | None,
    outcome: str | None,
    owner: str | None,
    text: str | None,
    due_on: date | None,
) -> int:
    found: int | None = await fetchval(
        conn, "actions.update", id=id, status=status, outcome=outcome, owner=owner, text=text, due_on=due_on
    )
    if found is None:
        raise NotFound("no such action", field="id")
    return found
