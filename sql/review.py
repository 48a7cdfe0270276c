"""Storing a review: optimistic locking and an append-only trail. Whether the action is allowed, and what it leads
to, is decided by the caller's `decide` (domain.review.decide) on the exception as read here."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.classification import clearance
from sql import exceptions
from sql.db import Conn
from sql.errors import Conflict, NotFound
from sql.loader import fetch, fetchval
from sql.rows import ExceptionRow, from_records

# (current status) -> (new status, comment to keep); raises the refusal when the action may not be taken.
Decide = Callable[[str], tuple[str, str | None]]


async def review(
    conn: Conn,
    *,
    exception_id: int,
    action: str,
    decide: Decide,
    actor: str,
    role: str,
    meeting_id: int | None = None,
    bodies: Sequence[str] = (),
) -> ExceptionRow:
    """Apply one review action in the caller's transaction; the second of two racing reviewers gets CONFLICT."""
    rows = from_records(ExceptionRow, await fetch(conn, "exceptions.by_ids", ids=[exception_id]))
    if not rows:
        raise NotFound("no such exception", field="id")
    current = rows[0]
    to, text = decide(current.status)
    # A meeting hidden from the reviewer (its role and `bodies`) gets the answer of one that does not exist.
    if meeting_id is not None and not await fetchval(
        conn, "review.meeting_visible", id=meeting_id, **clearance(role, tuple(bodies)).sql_args()
    ):
        raise NotFound("no such meeting", field="meetingId")
    # Compare-and-set on the version read: of two reviewers acting at once, exactly one wins.
    done = await fetchval(
        conn,
        "exceptions.set_status",
        id=exception_id,
        to_status=to,
        closed_by_system=False,
        meeting_id=meeting_id,
        version=current.version,
    )
    if done is None:
        raise Conflict("the exception changed while you were reviewing it: reload and try again", field="id")
    await exceptions.add_history(
        conn,
        exception_id=exception_id,
        action=action,
        from_status=current.status,
        to_status=to,
        comment=text,
        actor=actor,
        meeting_id=meeting_id,
    )
    return (await exceptions.by_ids(conn, ids=[exception_id]))[0]
