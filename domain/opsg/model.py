"""What the OPSG table is written from: one report and period, with its delivery, figures, exceptions and the
observation the Operations Group recorded for it. The store fills these; the wording and the renderers read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.review import OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A PMR measure under its Target (or Minimum Service Level)."""

    subject: str
    actual_pct: float
    target_pct: float | None
    minimum_pct: float | None
    below: str  # TARGET or MINIMUM


@dataclass(frozen=True, slots=True)
class ExceptionNote:
    """An exception of the report and period, with the latest comment a reviewer (or the system) left on it."""

    id: int
    rule_code: str
    subject: str
    severity: str
    status: str
    message: str
    comment: str | None = None
    comment_by: str | None = None
    comment_on: str | None = None  # DD/MM/YYYY, London

    @property
    def is_open(self) -> bool:
        """Not yet settled: still to be reviewed, or with the Panel."""
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class ObservationEntry:
    """One version of an observation: who recorded which text, when."""

    at: datetime
    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class Observation:
    """What OPSG concluded about a report and period, in its own words (empty text: cleared)."""

    id: int
    report_type: str
    period: str
    text: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One report and period of the month (period None: a type owing nothing this month)."""

    report_type_id: int
    report_type: str
    report_name: str
    sec_clause: str | None
    cadence: str
    due_working_days: int | None
    tbc: tuple[str, ...]
    delivery_wording: str | None
    content_lead_in: str | None
    table_order: int
    period: str | None
    as_at: datetime
    delivery: str
    due_at: datetime | None
    first_received_at: datetime | None
    submission_id: int | None = None
    submission_status: str | None = None
    submission_received_at: datetime | None = None
    row_count: int | None = None
    variance_rows: int = 0
    actual_total: Decimal | None = None
    forecast_total: Decimal | None = None
    ratio_pct: Decimal | None = None
    tolerance: str | None = None  # ABOVE, BELOW, WITHIN, or None (no band or no forecast)
    measures: int = 0
    measures_checked: int = 0
    measures_no_data: int = 0
    providers: tuple[str, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    incidents: int = 0
    incidents_resolved: int = 0
    incidents_open: int = 0
    exception_count: int = 0
    exceptions: tuple[ExceptionNote, ...] = ()
    observation: Observation | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    """The OPSG meeting of the month, when there is one."""

    id: int
    reference: str
    held_on: date


@dataclass(frozen=True, slots=True)
class FollowUpNote:
    """A follow-up an OPSG meeting asked for, as a month's table carries it (open at its end, or closed during it)."""

    id: int
    reference: str
    text: str
    owner: str
    due_on: date | None
    report_type: str | None
    period: str | None
    closed_at: datetime | None = None
    closing_comment: str | None = None


@dataclass(frozen=True, slots=True)
class MonthInput:
    """Everything the table of a month is written from."""

    month: str
    as_at: datetime
    rows: tuple[ReportRow, ...]
    meeting: Meeting | None = None
    follow_ups: tuple[FollowUpNote, ...] = ()
