"""reviewException: one legal action, with a comment where one is needed, kept in the exception's history."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.review import decide
from domain.roles import REPORT_READERS
from schema.context import Info
from schema.errors import UserError, errors_field
from schema.mutation import run
from schema.relay import pk_of
from schema.reports.types import ReportException, ReviewAction
from sql import review
from sql.db import Conn
from sql.rows import ExceptionRow


@strawberry.type(description="The answer to reviewException.")
class ReviewExceptionPayload:
    exception: ReportException | None = strawberry.field(
        description="The exception after the review, with its history; null when refused."
    )
    errors: list[UserError] = errors_field()


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(description="Act on an exception; RESOLVE, WAIVE, ESCALATE and REOPEN need a comment.")
    async def review_exception(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The exception's ID.")],
        action: Annotated[ReviewAction, strawberry.argument(description="What to do.")],
        comment: Annotated[
            str | None, strawberry.argument(description="Why: required for RESOLVE, WAIVE, ESCALATE and REOPEN.")
        ] = None,
        meeting_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The meeting where it was discussed (its ID), if any."),
        ] = None,
    ) -> ReviewExceptionPayload:
        viewer = info.context.viewer

        async def act(conn: Conn) -> ExceptionRow:
            return await review.review(
                conn,
                exception_id=pk_of(id, "ReportException"),
                action=action.value,
                decide=lambda status: decide(viewer.role, status, action.value, comment),
                actor=viewer.name,
                role=viewer.role,
                bodies=viewer.all_bodies,
                meeting_id=pk_of(meeting_id, "Meeting", field="meetingId") if meeting_id else None,
            )

        row, errors = await run(info, REPORT_READERS, act)
        return ReviewExceptionPayload(exception=ReportException.from_row(row) if row else None, errors=errors)
