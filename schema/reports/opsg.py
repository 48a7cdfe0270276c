"""GraphQL for the Operations Group's month: `reportingCalendar`, `opsgReport` and `recordObservation`.

The table itself (its rows, words and renderers) is domain.opsg's; here it is only exposed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError

from domain.meeting import check_observation
from domain.opsg import render
from domain.opsg.model import Observation, ReportRow
from domain.opsg.table import OpsgLine, OpsgTable, OpsgTableRow, build
from domain.roles import OBSERVATION_WRITERS, OPSG_READERS
from domain.viewer import Viewer
from schema.context import Info
from schema.errors import UserError, bad_user_input, unauthenticated
from schema.governance.types import Meeting
from schema.payloads import run
from schema.relay import Node, global_id, parse_global_id
from schema.reports import READERS
from schema.reports.meeting import FollowUp
from schema.reports.types import Delivery, ReportException, ReportSubmission
from sql import followups, opsg
from sql.db import Conn
from sql.errors import Refusal
from sql.opsg import DueRow


@strawberry.type(description="A report and period whose deadline falls in the month.")
class ReportDue:
    report_type: str = strawberry.field(description="The report type's code.")
    period: str = strawberry.field(description="The period owed.")
    due_at: datetime = strawberry.field(
        description="The deadline: the last instant of the Nth Working Day after the period, London time."
    )
    delivery: Delivery = strawberry.field(description="Whether it was delivered in time, as at asAt.")
    row: strawberry.Private[DueRow]

    @classmethod
    def from_row(cls, r: DueRow) -> ReportDue:
        return cls(report_type=r.report_type, period=r.period, due_at=r.due_at, delivery=Delivery(r.delivery), row=r)

    @strawberry.field(
        description="The submission that counts (the newest one not REJECTED); for the roles that may read submissions."
    )
    async def submission(self, info: Info) -> ReportSubmission | None:
        if self.row.submission_id is None or info.context.viewer.role not in READERS:
            return None
        row = await info.context.loaders.submission.load(self.row.submission_id)
        return ReportSubmission.from_row(row) if row else None


@strawberry.type(description="One version of an observation: who recorded which text, when.")
class ObservationVersion:
    at: datetime = strawberry.field(description="When it was recorded.")
    actor: str = strawberry.field(description="The name of the key that recorded it.")
    text: str = strawberry.field(description="The text recorded (empty: cleared).")


@strawberry.type(description="What the Operations Group concluded about a report and period, in its own words.")
class OpsgObservation(Node):
    report_type: str = strawberry.field(description="The report type's code.")
    period: str = strawberry.field(description="The period the observation is about.")
    text: str = strawberry.field(description="The current text (empty once cleared).")
    recorded_by: str = strawberry.field(description="The name of the key that recorded the current text.")
    recorded_at: datetime = strawberry.field(description="When the current text was recorded.")

    @classmethod
    def from_model(cls, o: Observation) -> OpsgObservation:
        return cls(
            id=global_id("OpsgObservation", o.id),
            report_type=o.report_type,
            period=o.period,
            text=o.text,
            recorded_by=o.recorded_by,
            recorded_at=o.recorded_at,
        )

    @strawberry.field(description="Every version, oldest first.")
    async def history(self, info: Info) -> list[ObservationVersion]:
        _, pk = parse_global_id(self.id)
        async with info.context.connection() as conn:
            entries = await opsg.observation_history(conn, ids=[pk])
        return [ObservationVersion(at=e.at, actor=e.actor, text=e.text) for _, e in entries]


@strawberry.type(description="One report and period of the month's OPSG table.")
class OpsgRow:
    report_type: str = strawberry.field(description="The report type's code.")
    report_name: str = strawberry.field(description="The report type's name.")
    report: str = strawberry.field(description="The Report cell: the report's name and period.")
    period: str | None = strawberry.field(description="Null on a 'Not due this month.' row.")
    delivery: Delivery = strawberry.field(description="The delivery verdict for the report and period.")
    delivery_text: str = strawberry.field(description="Delivery per SEC, as the Sub-Committee report words it.")
    sec_clause: str | None = strawberry.field(description="The SEC clause that requires the report.")
    content: str = strawberry.field(description="The DCC's figures, with the report's clause lead-in.")
    observation_text: str = strawberry.field(
        description="What OPSG recorded; with nothing recorded, 'None' when no exception is open, otherwise the open "
        "exceptions marked as not yet reviewed ('n/a' when nothing was owed)."
    )
    observations: list[str] = strawberry.field(
        description="The exceptions of the report and period, one line each with status and latest comment."
    )
    due_at: datetime | None = strawberry.field(description="The deadline, if the report has one.")
    received_at: datetime | None = strawberry.field(description="The first receipt not REJECTED, if any.")
    row: strawberry.Private[ReportRow]

    @classmethod
    def from_line(cls, ln: OpsgLine) -> OpsgRow:
        r = ln.row
        return cls(
            report_type=r.report_type,
            report_name=r.report_name,
            report=ln.report,
            period=r.period,
            delivery=Delivery(r.delivery),
            delivery_text=ln.delivery_text,
            sec_clause=r.sec_clause,
            content=ln.content,
            observation_text=ln.observation_text,
            observations=list(ln.exception_lines),
            due_at=r.due_at,
            received_at=r.first_received_at,
            row=r,
        )

    @strawberry.field(description="What OPSG recorded for this report and period, with its history.")
    def observation(self) -> OpsgObservation | None:
        return OpsgObservation.from_model(self.row.observation) if self.row.observation else None

    @strawberry.field(
        description="The exceptions of the report and period (the first 20, most severe first): the "
        "evidence beside the observation."
    )
    async def exceptions(self, info: Info) -> list[ReportException]:
        rows = await info.context.loaders.exception.load_many([e.id for e in self.row.exceptions])
        return [ReportException.from_row(r) for r in rows if r is not None]


@strawberry.type(description="A row of the table as printed: one report type, its periods of the month merged.")
class OpsgTableRowType:
    report_type: str = strawberry.field(description="The report type's code.")
    report: str = strawberry.field(description="The Report cell: 'Service Request variance report – April & May 2018'.")
    periods: list[str] = strawberry.field(description="The periods merged in this row, oldest first.")
    delivery_text: str = strawberry.field(
        description="Delivery per SEC; several periods read 'April report delayed (...). May on time. (SEC ...)'."
    )
    content: str = strawberry.field(description="The DCC's figures, period by period.")
    observation_text: str = strawberry.field(description="OPSG's observation(s), 'None', or the open exceptions.")

    @classmethod
    def from_model(cls, r: OpsgTableRow) -> OpsgTableRowType:
        return cls(
            report_type=r.report_type,
            report=r.report,
            periods=list(r.periods),
            delivery_text=r.delivery_text,
            content=r.content,
            observation_text=r.observation_text,
        )


@strawberry.type(description="The Operations Group's table of DCC reports for a month.")
class OpsgReport:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    as_at: datetime = strawberry.field(description="When delivery was judged: the earlier of now and the month's end.")
    heading: str = strawberry.field(
        description="The sentence above the table; it names the meeting at which the table was recorded (or the "
        "month's OPSG meeting), when the caller may see it."
    )
    rows: list[OpsgRow] = strawberry.field(description="One per report and period.")
    table_rows: list[OpsgTableRowType] = strawberry.field(
        description="The table as printed: one per report type, periods merged."
    )
    markdown: str = strawberry.field(description="The printed table in Markdown; everything typed is escaped.")
    meeting_id: strawberry.Private[int | None]
    follow_up_ids: strawberry.Private[list[int]]

    @classmethod
    def from_table(cls, t: OpsgTable) -> OpsgReport:
        return cls(
            month=t.month,
            as_at=t.as_at,
            heading=t.heading,
            rows=[OpsgRow.from_line(ln) for ln in t.lines],
            table_rows=[OpsgTableRowType.from_model(r) for r in t.table_rows],
            markdown=render.markdown(t),
            meeting_id=t.meeting.id if t.meeting else None,
            follow_up_ids=[f.note.id for f in t.follow_ups],
        )

    @strawberry.field(
        description="The OPSG follow-ups the table carries: those still open at the month's end and those closed "
        "during it (with their closing comment), as the caller may see them; soonest due first."
    )
    async def follow_ups(self, info: Info) -> list[FollowUp]:
        if not self.follow_up_ids:
            return []
        async with info.context.connection() as conn:
            rows = {r.id: r for r in await followups.by_ids(conn, ids=self.follow_up_ids, viewer=info.context.viewer)}
        return [FollowUp.from_row(rows[i]) for i in self.follow_up_ids if i in rows]

    @strawberry.field(description="The OPSG meeting of the month, if any.")
    async def meeting(self, info: Info) -> Meeting | None:
        if self.meeting_id is None:
            return None
        row = await info.context.loaders.meeting.load(self.meeting_id)
        return Meeting.from_row(row) if row else None


async def table_of(conn: Conn, month: str, viewer: Viewer) -> OpsgTable:
    """The OPSG table of a month as the viewer may see it (InvalidInput for a bad month)."""
    return build(await opsg.month_input(conn, month=month, viewer=viewer))


def _aware(instant: datetime | None) -> datetime | None:
    if instant is None or instant.tzinfo is not None:
        return instant
    return instant.replace(tzinfo=UTC)


@strawberry.input(description="An observation for a report and period.")
class RecordObservationInput:
    report_type: str = strawberry.field(description="The report type's code.")
    period: str = strawberry.field(description="YYYY-MM, or YYYY-Qn for quarterly reports.")
    text: str = strawberry.field(description="OPSG's words; an empty text clears the observation.")


@strawberry.type(description="The observation as recorded, or why not.")
class ObservationPayload:
    observation: OpsgObservation | None = strawberry.field(description="The observation, when recorded.")
    errors: list[UserError] = strawberry.field(description="Why it was not recorded (empty when it was).")


@strawberry.type
class OpsgQuery:
    @strawberry.field(
        description="The reports whose deadline falls in the month (YYYY-MM), with their delivery as at "
        "asAt (now by default)."
    )
    async def reporting_calendar(
        self,
        info: Info,
        month: Annotated[str, strawberry.argument(description="The month, YYYY-MM.")],
        as_at: Annotated[
            datetime | None, strawberry.argument(description="Judge delivery as at this instant; now when not given.")
        ] = None,
    ) -> list[ReportDue]:
        try:
            async with info.context.connection() as conn:
                rows = await opsg.calendar(conn, month=month, as_at=_aware(as_at))
        except Refusal as e:
            raise bad_user_input(e.message) from e
        return [ReportDue.from_row(r) for r in rows]

    @strawberry.field(
        description="The OPSG table for the month (YYYY-MM) of the meeting: Report, Delivery per SEC, "
        "Content, Observations."
    )
    async def opsg_report(
        self,
        info: Info,
        month: Annotated[str, strawberry.argument(description="The month of the OPSG meeting, YYYY-MM.")],
    ) -> OpsgReport:
        role = info.context.viewer.role
        if role not in OPSG_READERS:
            if role == "public":
                raise unauthenticated()
            raise GraphQLError(f"the {role} role may not read the OPSG table", extensions={"code": "FORBIDDEN"})
        try:
            async with info.context.connection() as conn:
                table = await table_of(conn, month, info.context.viewer)
        except Refusal as e:
            raise bad_user_input(e.message) from e
        return OpsgReport.from_table(table)


@strawberry.type
class OpsgMutation:
    @strawberry.mutation(
        description="Record what OPSG concluded about a report and period (opsg, secas, admin): it "
        "replaces the current text, the earlier one stays in the history; an empty text "
        "clears it."
    )
    async def record_observation(
        self,
        info: Info,
        input: Annotated[
            RecordObservationInput, strawberry.argument(description="The report type, the period and OPSG's text.")
        ],
    ) -> ObservationPayload:
        actor = info.context.viewer.name

        async def record(conn: Conn) -> Observation:
            check_observation(input.text, "text")
            return await opsg.record_observation(
                conn, report_type=input.report_type.strip(), period=input.period, text=input.text, actor=actor
            )

        saved, errors = await run(info, OBSERVATION_WRITERS, record)
        return ObservationPayload(observation=OpsgObservation.from_model(saved) if saved else None, errors=errors)
