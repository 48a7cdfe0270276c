"""What the store reads for a month's Operations Report: plain values, no IO."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.operations.words import ROLE


@dataclass(frozen=True, slots=True)
class PanelMeeting:
    id: int
    reference: str
    held_on: date


@dataclass(frozen=True, slots=True)
class PartyEvent:
    party_id: int
    name: str
    category: str
    kind: str
    occurred_on: date
    user_role: str | None = None
    user_id: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Applicant:
    party_id: int
    name: str
    category: str


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month of Table 3 and its month-end totals."""

    month: str
    accessions: int
    in_default: int
    withdrawals: int
    expulsions: int
    parties: int
    voting_groups: int
    by_category: dict[str, int]
    complete: bool = True


@dataclass(frozen=True, slots=True)
class ReportInput:
    """Everything section 1 says for one month, as read from the register."""

    month: str  # YYYY-MM
    first_day: date
    last_day: date
    since: date  # Table 2 and the testing update run from this day ("since the last SEC Panel meeting")
    panel_meeting: PanelMeeting | None  # the meeting the report goes to
    previous_meeting: PanelMeeting | None
    applicants: tuple[Applicant, ...] = ()
    month_events: tuple[PartyEvent, ...] = ()  # withdrawals, defaults and expulsions effective in the month
    window_events: tuple[PartyEvent, ...] = ()  # UEP, SREPT and UEPT completions since the last meeting
    year_events: tuple[PartyEvent, ...] = ()  # withdrawals, defaults, cures and expulsions of Table 3's 12 months
    in_default_before: frozenset[int] = frozenset()  # Parties in default at the end of the month before
    in_default_at_end: tuple[Applicant, ...] = ()
    membership: tuple[MonthFigures, ...] = ()
    show_amber: bool = False  # whether the viewer may see the Amber appendices
    item: int | None = None  # the paper's agenda item at the meeting, when known


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    classification: str = "WHITE"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph ('p'), bullet list ('bullets'), sub-heading ('h'), table, footnotes or figure."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    table: Table | None = None
    bars: tuple[Bar, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    number: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class UepCompletion:
    """A row of Table 2: one Party's User Roles completed on one day."""

    party_id: int
    name: str
    category: str
    completed_on: date
    roles: tuple[tuple[str, str | None], ...]

    @property
    def roles_text(self) -> str:
        ids = {uid for _, uid in self.roles}
        names = ", ".join(ROLE.get(r, r) for r, _ in self.roles)
        if len(ids) == 1 and None not in ids:
            return f"{next(iter(ids))} {names}"
        return ", ".join(f"{uid} {ROLE.get(r, r)}" if uid else ROLE.get(r, r) for r, uid in self.roles)


@dataclass(frozen=True, slots=True)
class OperationsReport:
    month: str
    title: str
    reference: str | None
    action: str
    purpose: tuple[str, ...]
    recommendations: tuple[str, ...]
    attachments: tuple[str, ...]
    applicants: tuple[Applicant, ...]
    withdrawals: tuple[PartyEvent, ...]
    defaults: tuple[PartyEvent, ...]
    remained_in_default: int
    market_exits: tuple[PartyEvent, ...]
    uep_completions: tuple[UepCompletion, ...]
    srept: tuple[PartyEvent, ...]
    uept: tuple[PartyEvent, ...]
    show_amber: bool
    membership: tuple[MonthFigures, ...]
    footnotes: tuple[str, ...]
    marks: dict[tuple[str, str], int]  # (Table 3 row, month) -> footnote number
    month_end: MonthFigures | None
    month_end_text: str
    sections: tuple[Section, ...] = field(default=())
