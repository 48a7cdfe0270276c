"""Review an exception: one legal action (domain.review decides which), kept in its history, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from domain.review import decide
from domain.roles import REPORT_READERS, check_role
from domain.viewer import Viewer
from sql import review
from sql.db import Conn
from sql.rows import ExceptionRow


@dataclass(frozen=True, slots=True)
class Review:
    """What a reviewer asked: an action on an exception, why, and the meeting where it was discussed."""

    exception_id: int
    action: str
    comment: str | None = None
    meeting_id: int | None = None


async def review_exception(conn: Conn, viewer: Viewer, asked: Review) -> ExceptionRow:
    """The exception after the review, or the refusal that says why not (nothing changed)."""
    check_role(viewer.role, REPORT_READERS)
    async with conn.transaction():
        return await review.review(
            conn,
            exception_id=asked.exception_id,
            action=asked.action,
            decide=lambda status: decide(viewer.role, status, asked.action, asked.comment),
            actor=viewer.name,
            role=viewer.role,
            bodies=viewer.all_bodies,
            meeting_id=asked.meeting_id,
        )
