"""The OPSG table of a month: one line per report and period (the API's `rows`) and the table as the paper prints
it, one row per report type with its periods merged (`tableRows`, the downloads, the console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from domain.opsg import wording
from domain.opsg.dates_numbers import (
    day,
    london,
    long_day,
    month_end,
    month_name,
    period_label,
    periods_label,
    short_period,
)
from domain.opsg.model import FollowUpNote, Meeting, MonthInput, ReportRow
from domain.periods import LONDON

HEADER = ("Report", "Delivery per SEC", "Content", "Observations")
FOLLOW_UP_HEADER = ("Follow-up", "Owner", "Due", "Status", "Asked for")


@dataclass(frozen=True, slots=True)
class OpsgLine:
    """One report and period, worded."""

    row: ReportRow
    report: str  # the Report cell: name and period
    delivery_text: str
    content: str
    observation_text: str
    exception_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpsgTableRow:
    """One row of the table as printed: a report type with the periods it has this month."""

    report_type: str
    report: str
    periods: tuple[str, ...]
    delivery_text: str
    content: str
    observation_text: str


@dataclass(frozen=True, slots=True)
class FollowUpLine:
    """A follow-up as the table prints it: where it stood at the end of the month (or when it was closed in it)."""

    note: FollowUpNote
    reference: str
    owner: str
    due: str
    status: str  # "Open", "Open (overdue)", or "Closed 05/07/2018: <comment>"
    asked_for: str  # the text, with the report and period it concerns

    @property
    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.reference, self.owner, self.due, self.status, self.asked_for)


def follow_up_line(note: FollowUpNote, as_at: datetime) -> FollowUpLine:
    if note.closed_at is not None and note.closed_at <= as_at:
        status = f"Closed {day(note.closed_at)}: {note.closing_comment or ''}".rstrip(": ")
    elif note.due_on is not None and note.due_on < london(as_at).date():
        status = "Open (overdue)"
    else:
        status = "Open"
    concerns = f" ({note.report_type} {period_label(note.period)})" if note.report_type and note.period else ""
    due = f"{note.due_on:%d/%m/%Y}" if note.due_on else ""
    return FollowUpLine(note, note.reference, note.owner, due, status, note.text + concerns)


@dataclass(frozen=True, slots=True)
class OpsgTable:
    month: str
    as_at: datetime
    meeting: Meeting | None
    lines: tuple[OpsgLine, ...]
    table_rows: tuple[OpsgTableRow, ...]
    follow_ups: tuple[FollowUpLine, ...] = ()

    @property
    def title(self) -> str:
        return f"DCC reporting to the Operations Group – {month_name(self.month)}"

    @property
    def heading(self) -> str:
        """The sentence above the table; it names the meeting when the month has one."""
        if self.meeting is None:
            month = month_name(self.month)
            return f"DCC reports for the Operations Group, {month} (no OPSG meeting recorded this month):"
        return (
            "The Operations Group considered and noted the following DCC reports at their meeting on "
            f"{long_day(self.meeting.held_on)}:"
        )

    @property
    def as_at_text(self) -> str:
        if self.as_at >= month_end(self.month):
            return f"Delivery as at the end of {month_name(self.month)}."
        return f"Delivery as at {self.as_at.astimezone(LONDON):%d/%m/%Y %H:%M} (London)."


def line(row: ReportRow) -> OpsgLine:
    report = f"{row.report_name} – {period_label(row.period)}" if row.period else row.report_name
    return OpsgLine(
        row=row,
        report=report,
        delivery_text=wording.delivery_text(row),
        content=wording.content(row),
        observation_text=wording.observation_text(row),
        exception_lines=tuple(wording.exception_lines(row)),
    )


def merged(lines: list[OpsgLine]) -> OpsgTableRow:
    """The periods of one type in one row, as the paper prints "Service Request (SR) Variance Reporting - April & May
    2018" with "April report delayed. May on time. (SEC H3.24 – 10th working day of month)"."""
    first = lines[0].row
    periods = [ln.row.period for ln in lines if ln.row.period is not None]
    if len(lines) == 1:
        ln = lines[0]
        return OpsgTableRow(
            first.report_type, ln.report, tuple(periods), ln.delivery_text, ln.content, ln.observation_text
        )
    one_year = len({p.split("-")[0] for p in periods}) == 1
    labels = {ln.row.period: short_period(ln.row.period, one_year) for ln in lines if ln.row.period}
    delivery = " ".join(wording.delivery_phrase(ln.row, labels[ln.row.period or ""]) for ln in lines)
    delivery += f" ({wording.wording(first)})"
    content = " ".join(f"{period_label(ln.row.period or '')}: {ln.content}" for ln in lines)
    texts = [ln.observation_text for ln in lines]
    observation = (
        texts[0]
        if len(set(texts)) == 1
        else "\n".join(f"{period_label(ln.row.period or '')}: {ln.observation_text}" for ln in lines)
    )
    return OpsgTableRow(
        first.report_type,
        f"{first.report_name} – {periods_label(periods)}",
        tuple(periods),
        delivery,
        content,
        observation,
    )


def build(data: MonthInput) -> OpsgTable:
    """The table of a month from its rows, in the catalogue's order (the paper's)."""
    rows = sorted(data.rows, key=lambda r: (r.table_order, r.report_type, r.period or ""))
    lines = tuple(line(r) for r in rows)
    table_rows = tuple(merged(list(group)) for _, group in groupby(lines, key=lambda ln: ln.row.report_type))
    follow_ups = tuple(follow_up_line(f, data.as_at) for f in data.follow_ups)
    return OpsgTable(
        month=data.month,
        as_at=data.as_at,
        meeting=data.meeting,
        lines=lines,
        table_rows=table_rows,
        follow_ups=follow_ups,
    )
