"""Subscriptions, fed by PostgreSQL NOTIFY through the process's event hub; the same access rules as queries."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.errors import Refusal
from domain.roles import REPORT_READERS
from schema.context import Info
from schema.errors import bad_user_input, unauthenticated
from schema.relay import pk_of
from schema.reports.types import ReportException, ReportSubmission
from sql import exceptions, submissions
from sql.events import ExceptionsFlagged, SubmissionChanged


@strawberry.type(
    description="Live updates over the graphql-transport-ws WebSocket on /graphql (the key in the connection_init "
    "payload)."
)
class Subscription:
    @strawberry.subscription(description="Each exception as it is flagged (or reopened), optionally of one report.")
    async def exception_flagged(
        self,
        info: Info,
        report_type: Annotated[
            str | None, strawberry.argument(description="Only exceptions of this report type (its code).")
        ] = None,
    ) -> AsyncGenerator[ReportException, None]:
        _may_subscribe(info)
        return _exceptions_flagged(info, report_type)

    @strawberry.subscription(description="A submission each time its status changes.")
    async def submission_updated(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The submission's ID.")],
    ) -> AsyncGenerator[ReportSubmission, None]:
        _may_subscribe(info)
        try:
            pk = pk_of(id, "ReportSubmission")
        except Refusal as e:
            raise bad_user_input(e.message) from e
        return _submission_updated(info, pk)


def _may_subscribe(info: Info) -> None:
    """Refused before the subscription starts (an `error` message for the operation), never left silent."""
    role = info.context.viewer.role
    if role == "public":
        raise unauthenticated()
    if role not in REPORT_READERS:
        raise GraphQLError("this role may not follow submissions or exceptions", extensions={"code": "FORBIDDEN"})


async def _exceptions_flagged(info: Info, report_type: str | None) -> AsyncGenerator[ReportException, None]:
    ctx = info.context
    if ctx.hub is None:
        return
    async for event in ctx.hub.events():
        if not isinstance(event, ExceptionsFlagged):
            continue
        if report_type and event.report_type != report_type:
            continue
        async with ctx.connection() as conn:
            rows = await exceptions.by_ids(conn, ids=list(event.ids))
        for row in rows:
            yield ReportException.from_row(row)


async def _submission_updated(info: Info, pk: int) -> AsyncGenerator[ReportSubmission, None]:
    ctx = info.context
    if ctx.hub is None:
        return
    async for event in ctx.hub.events():
        if not isinstance(event, SubmissionChanged) or event.id != pk:
            continue
        async with ctx.connection() as conn:
            rows = await submissions.by_ids(conn, ids=[pk])
        if rows:
            yield ReportSubmission.from_row(rows[0])
