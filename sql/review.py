"""Storing a review: optimistic locking and an append-only trail; the policy is domain.review's."""

from __future__ import annotations

from collections.abc import Sequence

from domain.review import ALL_ACTIONS, NEEDS_COMMENT, allowed, next_status
from sql import exceptions
from sql.db import Conn
from sql.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from sql.loader import execute, fetch, fetchval
from sql.rows import ExceptionRow, from_records


async def review(
    conn: Conn, *, exception_id: int, action: str, comment: str | None, actor: str, role: str,
    meeting_id: int | None = None, bodies: Sequence[str] = (),
) -> ExceptionRow:
    """Apply one review action in the caller's transaction; the second of two racing reviewers gets CONFLICT."""
    rows = from_records(ExceptionRow, await fetch(conn, "exceptions.by_ids", ids=[exception_id]))
    if not rows:
        raise NotFound("no such exception", field="id")
    current = rows[0]
    if action not in ALL_ACTIONS:
        raise InvalidInput(f"unknown action {action}", field="action")
    if not allowed(role, current.status, action):
        raise Forbidden(f"the {role} role may not {action} an exception that is {current.status}", field="action")
    to = next_status(current.status, action)
    if to is None:
        raise IllegalTransition(f"{action} is not possible on an exception that is {current.status}", field="action")
    text = (comment or "").strip() or None
    if action in NEEDS_COMMENT and not text:
        raise InvalidInput(f"{action} needs a comment saying why", field="comment")
    # A meeting hidden from the reviewer (its role and `bodies`) gets the answer of one that does not exist.
    if meeting_id is not None and not await fetchval(conn, "review.meeting_visible", id=meeting_id,
                                                     viewer_role=role, viewer_bodies=list(bodies)):
        raise NotFound("no such meeting", field="meetingId")
    # Compare-and-set on the version read: of two reviewers acting at once, exactly one wins.
    done = await fetchval(conn, "exceptions.set_status", id=exception_id, to_status=to, closed_by_system=False,
                          meeting_id=meeting_id, version=current.version)
    if done is None:
        raise Conflict("the exception changed while you were reviewing it: reload and try again", field="id")
    await execute(conn, "exceptions.history_add", exception_id=exception_id, actor=actor, action=action,
                  from_status=current.status, to_status=to, comment=text)
    return (await exceptions.by_ids(conn, ids=[exception_id]))[0]
