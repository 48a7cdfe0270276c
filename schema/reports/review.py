"""reviewException: one legal action, with a comment where one is needed, kept in the exception's history."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.context import Info
from schema.errors import UserError, errors_field
from schema.payloads import answer
from schema.relay import pk_of
from schema.reports.types import ReportException, ReviewAction
from services.review import Review, review_exception
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
        async def act() -> ExceptionRow:
            asked = Review(
                exception_id=pk_of(id, "ReportException"),
                action=action.value,
                comment=comment,
                meeting_id=pk_of(meeting_id, "Meeting", field="meetingId") if meeting_id else None,
            )
            async with info.context.connection() as conn:
                return await review_exception(conn, info.context.viewer, asked)

        row, errors = await answer(act())
        return ReviewExceptionPayload(exception=ReportException.from_row(row) if row else None, errors=errors)
