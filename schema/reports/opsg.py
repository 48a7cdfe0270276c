"""The Operations Group's month: `reportingCalendar` and `opsgReport`, and how the OPSG table reads (pure Python).

The words follow the July 2018 Sub-Committee report's table (docs/domain.md, OPSG table): Delivery per
SEC ("On Time (SEC H3.24 – 10th Working Day of month)", "Late (due 15/05/2018, received 04/06/2018)", "Not due this
month", ...), Content with the figures (counts with thousands separators, percentages with one decimal) and
Observations from the exceptions of the report and period.
"""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry
from graphql import GraphQLError

from schema.context import Info
from schema.errors import bad_user_input, unauthenticated
from schema.reports import READERS
from schema.reports.types import Delivery, ReportSubmission
from sql import opsg
from sql.db import Conn
from sql.errors import StoreError
from sql.opsg import DueRow, TableRow

LONDON = ZoneInfo("Europe/London")
# Who may read the OPSG table and download it (docs/domain.md, "Roles").
OPSG_READERS = frozenset({"opsg", "panel", "secas", "admin"})
HEADER = ("Report", "Delivery per SEC", "Content", "Observations")
MAX_NOTES = 20
PROVIDERS = {"CODE": "Code", "DSP": "DSP", "CSP_N": "CSP North", "CSP_C": "CSP Central", "CSP_S": "CSP South"}
PROVIDER_ORDER = tuple(PROVIDERS)


# --- words -------------------------------------------------------------------------------------------------------

def ordinal(n: int) -> str:
    """1st 2nd 3rd 4th ... 11th 12th 13th ... 21st 22nd 25th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def day(instant: datetime) -> str:
    """The London calendar day of an instant: 15/05/2018."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(LONDON).strftime("%d/%m/%Y")


def count(n: int | Decimal) -> str:
    return f"{int(n):,}"


def pct(value: float | Decimal) -> str:
    """One decimal, rounded half-up on the number as written (99.45 → 99.5%), never to a whole number: 157.7%."""
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,.1f}%"
    except InvalidOperation:  # infinite: nothing to round
        return f"{value}%"


def month_name(month: str) -> str:
    year, m = month.split("-")
    return f"{months.month_name[int(m)]} {year}"


def period_label(period: str) -> str:
    """'2018-04' → 'April 2018'; '2018-Q2' → 'Q2 2018'."""
    year, part = period.split("-")
    return f"{part} {year}" if part.startswith("Q") else month_name(period)


def report_label(row: TableRow) -> str:
    return f"{row.report_name} – {period_label(row.period)}" if row.period else row.report_name


def _clause(row: TableRow) -> str:
    return f"SEC {row.sec_clause}" if row.sec_clause else "SEC clause TBC"


def _rule(row: TableRow) -> str:
    if row.due_working_days is None:
        return f"{row.cadence.capitalize()} – timing not specified"
    n = ordinal(row.due_working_days)
    rule = f"{n} Working Day of month" if row.cadence == "MONTHLY" else f"{n} Working Day after quarter end"
    return f"{rule} – TBC" if "due_working_days" in row.tbc else rule


def delivery_text(row: TableRow) -> str:
    """Delivery per SEC, as the paper writes it."""
    if row.delivery == "ON_TIME" or row.delivery == "NO_DEADLINE":
        return f"On Time ({_clause(row)} – {_rule(row)})"
    if row.delivery == "LATE":
        due = day(row.due_at) if row.due_at else "?"
        received = day(row.first_received_at) if row.first_received_at else "?"
        return f"Late (due {due}, received {received})"
    if row.delivery == "MISSING":
        return "Missing"
    if row.delivery == "NOT_YET_DUE":
        return "Not yet due"
    return "Not due this month"


def _variance(row: TableRow) -> str:
    actual, forecast = row.actual_total or Decimal(0), row.forecast_total or Decimal(0)
    noun = "Service Requests" if row.report_type == "SR_VARIANCE" else "requests"
    text = f"{count(actual)} {noun} were sent versus a forecast of {count(forecast)}"
    if forecast == 0 or row.ratio_pct is None:
        return text + ": no forecast, so no share of it."
    text += f", {pct(row.ratio_pct)} of the forecast volume"
    if row.tolerance in ("ABOVE", "BELOW"):
        text += ": outside tolerance"
    elif row.tolerance == "WITHIN":
        text += ": within tolerance"
    return text + f". This is a variance of {count(actual - forecast)}."


def _providers(codes: list[str]) -> str:
    ordered = sorted(codes, key=lambda c: (PROVIDER_ORDER.index(c) if c in PROVIDER_ORDER else len(PROVIDER_ORDER), c))
    names = [PROVIDERS.get(c, c) for c in ordered]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, word: str) -> str:
    return f"{count(n)} {word}" + ("" if n == 1 else "s")


def _measures(row: TableRow) -> str:
    text = f"{_plural(row.measures, 'measure')} reported ({_providers(row.providers)})"
    unchecked = row.measures - row.measures_checked
    if not row.shortfalls:
        if row.measures_checked == 0:
            text += ": none has a Target or Minimum Service Level, so none was checked."
        elif row.measures_checked == row.measures:
            text += ": all are at or above Target."
        else:
            text += (f": all {count(row.measures_checked)} with a Target or Minimum Service Level are at or above "
                     "Target.")
    else:
        below_min = [s for s in row.shortfalls if s.below == "MINIMUM"]
        below_target = len(row.shortfalls) - len(below_min)
        parts = []
        for s in row.shortfalls:
            levels = []
            if s.target_pct is not None:
                levels.append(f"Target {pct(s.target_pct)}")
            if s.minimum_pct is not None:
                levels.append(f"Minimum {pct(s.minimum_pct)}")
            parts.append(f"{s.subject} {pct(s.actual_pct)} ({', '.join(levels)})")
        text += (f": {count(below_target)} below Target and {count(len(below_min))} below the Minimum Service Level: "
                 + "; ".join(parts) + ".")
    if unchecked and row.measures_checked:
        text += f" {_plural(unchecked, 'measure')} without a Target or Minimum Service Level not checked."
    return text


def _incidents(row: TableRow) -> str:
    text = (f"{_plural(row.incidents, 'incident')} reported in the period: {count(row.incidents_resolved)} resolved, "
            f"{count(row.incidents_open)} open")
    other = row.incidents - row.incidents_resolved - row.incidents_open
    return text + (f", {count(other)} in another status." if other else ".")


def content(row: TableRow) -> str:
    """The figures of the submission that counts (the newest one not REJECTED)."""
    if row.submission_id is None:
        if row.period is None or row.delivery == "NOT_DUE":
            return "n/a"
        return "Not yet received." if row.delivery == "NOT_YET_DUE" else "No report received."
    received = day(row.submission_received_at) if row.submission_received_at else "?"
    if row.submission_status in ("RECEIVED", "VALIDATING"):
        return f"Received {received}; validation not finished yet."
    if row.variance_rows:
        text = _variance(row)
    elif row.measures:
        text = _measures(row)
    elif row.incidents:
        text = _incidents(row)
    else:
        rows = f", {_plural(row.row_count, 'row')}" if row.row_count is not None else ""
        return f"Received {received}{rows}; no figures are extracted from this report."
    if row.first_received_at is not None and row.submission_received_at != row.first_received_at:
        text += f" Figures from the resubmission of {received}."
    return text


def observations(row: TableRow) -> list[str]:
    """The exceptions of the report and period, most severe first, with their status and latest comment."""
    notes = []
    for e in row.exceptions:
        note = f"{e.rule_code} {e.subject} ({e.severity}, {e.status}): {e.message}"
        if e.comment:
            note += f" Latest comment ({e.comment_by}, {e.comment_on}): {e.comment}"
        notes.append(note)
    if row.exception_count > len(row.exceptions):
        notes.append(f"… and {count(row.exception_count - len(row.exceptions))} more exceptions for this report "
                     "and period.")
    return notes


# --- the table ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OpsgLine:
    report_type: str
    report_name: str
    report: str  # the Report cell: name and period
    period: str | None
    delivery: str
    delivery_text: str
    sec_clause: str | None
    content: str
    observations: tuple[str, ...]
    due_at: datetime | None
    received_at: datetime | None


@dataclass(frozen=True, slots=True)
class OpsgTable:
    month: str
    as_at: datetime
    lines: tuple[OpsgLine, ...]
    markdown: str

    @property
    def title(self) -> str:
        return f"DCC reporting to the Operations Group – {month_name(self.month)}"

    @property
    def as_at_text(self) -> str:
        return as_at_text(self.month, self.as_at)


def line(row: TableRow) -> OpsgLine:
    return OpsgLine(
        report_type=row.report_type, report_name=row.report_name, report=report_label(row), period=row.period,
        delivery=row.delivery, delivery_text=delivery_text(row), sec_clause=row.sec_clause, content=content(row),
        observations=tuple(observations(row)), due_at=row.due_at, received_at=row.first_received_at)


def month_end(month: str) -> datetime:
    """The last instant of the month, London time."""
    year, m = (int(p) for p in month.split("-"))
    first_next = datetime(year + m // 12, m % 12 + 1, 1, tzinfo=LONDON)
    return first_next.astimezone(UTC) - timedelta(microseconds=1)


def as_at_text(month: str, as_at: datetime) -> str:
    if as_at >= month_end(month):
        return f"Delivery as at the end of {month_name(month)}."
    return f"Delivery as at {as_at.astimezone(LONDON):%d/%m/%Y %H:%M} (London)."


def empty_cell(line: OpsgLine) -> str:
    """What an empty Observations cell says: n/a when nothing was owed, None otherwise (as the paper)."""
    return "n/a" if line.period is None else "None"


def _md(text: str) -> str:
    """A Markdown table cell: pipes escaped, no line breaks, no raw HTML tags."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return " ".join(text.split())


def markdown(month: str, as_at: datetime, lines: tuple[OpsgLine, ...]) -> str:
    out = [f"## DCC reporting to the Operations Group – {month_name(month)}", "", as_at_text(month, as_at), "",
           "| " + " | ".join(HEADER) + " |", "|---|---|---|---|"]
    for ln in lines:
        notes = "<br>".join(_md(o) for o in ln.observations) or empty_cell(ln)
        out.append(f"| {_md(ln.report)} | {_md(ln.delivery_text)} | {_md(ln.content)} | {notes} |")
    return "\n".join(out) + "\n"


async def build(conn: Conn, month: str) -> OpsgTable:
    """The OPSG table of a month (InvalidInput for a bad month)."""
    month = opsg.check_month(month)
    rows = await opsg.table(conn, month=month)
    as_at = rows[0].as_at if rows else min(datetime.now(UTC), month_end(month))
    lines = tuple(line(r) for r in rows)
    return OpsgTable(month=month, as_at=as_at, lines=lines, markdown=markdown(month, as_at, lines))


def refusal(role: str) -> GraphQLError | None:
    """Why a role may not read the OPSG table: UNAUTHENTICATED without a key, FORBIDDEN for other roles."""
    if role in OPSG_READERS:
        return None
    if role == "public":
        return unauthenticated()
    return GraphQLError(f"the {role} role may not read the OPSG table", extensions={"code": "FORBIDDEN"})


# --- GraphQL -----------------------------------------------------------------------------------------------------

@strawberry.type(description="A report and period whose deadline falls in the month.")
class ReportDue:
    report_type: str = strawberry.field(description="The report type's code.")
    period: str = strawberry.field(description="The period owed.")
    due_at: datetime = strawberry.field(
        description="The deadline: the last instant of the Nth Working Day after the period, London time.")
    delivery: Delivery = strawberry.field(description="Whether it was delivered in time, as at asAt.")
    row: strawberry.Private[DueRow]

    @classmethod
    def from_row(cls, r: DueRow) -> ReportDue:
        return cls(report_type=r.report_type, period=r.period, due_at=r.due_at, delivery=Delivery(r.delivery), row=r)

    @strawberry.field(description="The submission that counts (the newest one not REJECTED); for the roles that "
                                  "may read submissions.")
    async def submission(self, info: Info) -> ReportSubmission | None:
        if self.row.submission_id is None or info.context.viewer.role not in READERS:
            return None
        row = await info.context.loaders.submission.load(self.row.submission_id)
        return ReportSubmission.from_row(row) if row else None


@strawberry.type(description="One row of the OPSG table.")
class OpsgRow:
    report_type: str = strawberry.field(description="The report type's code.")
    report_name: str = strawberry.field(description="The report type's name.")
    report: str = strawberry.field(description="The Report cell: the report's name and period.")
    period: str | None = strawberry.field(description="Null on a 'Not due this month' row.")
    delivery: Delivery = strawberry.field(description="The delivery verdict for the report and period.")
    delivery_text: str = strawberry.field(description="Delivery per SEC, as the Sub-Committee report writes it.")
    sec_clause: str | None = strawberry.field(description="The SEC clause that requires the report.")
    content: str = strawberry.field(
        description="The DCC's figures, as the table states them (counts with thousands separators, percentages with "
        "one decimal).")
    observations: list[str] = strawberry.field(description="One line per exception of the report and period.")
    due_at: datetime | None = strawberry.field(description="The deadline, if the report has one.")
    received_at: datetime | None = strawberry.field(description="The first receipt not REJECTED, if any.")

    @classmethod
    def from_line(cls, ln: OpsgLine) -> OpsgRow:
        return cls(report_type=ln.report_type, report_name=ln.report_name, report=ln.report, period=ln.period,
                   delivery=Delivery(ln.delivery), delivery_text=ln.delivery_text, sec_clause=ln.sec_clause,
                   content=ln.content, observations=list(ln.observations), due_at=ln.due_at,
                   received_at=ln.received_at)


@strawberry.type(description="The Operations Group's table of DCC reports for a month.")
class OpsgReport:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    as_at: datetime = strawberry.field(description="When delivery was judged: the earlier of now and the month's end.")
    rows: list[OpsgRow] = strawberry.field(description="One row per report and period of the month.")
    markdown: str = strawberry.field(description="The table as Markdown, every cell escaped.")


def _aware(instant: datetime | None) -> datetime | None:
    if instant is None or instant.tzinfo is not None:
        return instant
    return instant.replace(tzinfo=UTC)


@strawberry.type
class OpsgQuery:
    @strawberry.field(description="The reports whose deadline falls in the month (YYYY-MM), with their delivery as at "
                                  "asAt (now by default).")
    async def reporting_calendar(
        self,
        info: Info,
        month: Annotated[str, strawberry.argument(description="The month, YYYY-MM.")],
        as_at: Annotated[datetime | None, strawberry.argument(
            description="Judge delivery as at this instant; now when not given.")] = None,
    ) -> list[ReportDue]:
        try:
            async with info.context.connection() as conn:
                rows = await opsg.calendar(conn, month=month, as_at=_aware(as_at))
        except StoreError as e:
            raise bad_user_input(e.message) from e
        return [ReportDue.from_row(r) for r in rows]

    @strawberry.field(description="The OPSG table for the month (YYYY-MM) of the meeting: Report, Delivery per SEC, "
                                  "Content, Observations.")
    async def opsg_report(
        self,
        info: Info,
        month: Annotated[str, strawberry.argument(description="The month of the OPSG meeting, YYYY-MM.")],
    ) -> OpsgReport:
        refused = refusal(info.context.viewer.role)
        if refused is not None:
            raise refused
        try:
            async with info.context.connection() as conn:
                table = await build(conn, month)
        except StoreError as e:
            raise bad_user_input(e.message) from e
        return OpsgReport(month=table.month, as_at=table.as_at, rows=[OpsgRow.from_line(ln) for ln in table.lines],
                          markdown=table.markdown)
