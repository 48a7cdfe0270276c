"""Row dataclasses: what the store's functions return."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TypeVar

import asyncpg

T = TypeVar("T")


_NAMES: dict[type, frozenset[str]] = {}


def _names(cls: type) -> frozenset[str]:
    """The row class's field names (dataclasses.fields is slow enough to show on a page of 100 rows)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def from_record(cls: type[T], record: asyncpg.Record) -> T:
    """Build a row dataclass from the record's columns of the same names."""
    names = _names(cls)
    return cls(**{k: v for k, v in record.items() if k in names})


def from_records(cls: type[T], records: list[asyncpg.Record]) -> list[T]:
    names = _names(cls)  # once per page, not per row
    return [cls(**{k: v for k, v in r.items() if k in names}) for r in records]


@dataclass(frozen=True, slots=True)
class PartyRow:
    id: int
    name: str
    status: str
    category: str
    voting_group_id: int
    acceded_on: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class PartyEventRow:
    id: int
    party_id: int
    kind: str
    occurred_on: date
    user_role: str | None
    user_id: str | None
    category: str | None
    voting_group_id: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class VotingGroupRow:
    id: int
    name: str
    category: str


@dataclass(frozen=True, slots=True)
class MembershipMonthRow:
    month: str
    accessions: int
    in_default: int
    withdrawals: int
    expulsions: int
    parties_at_month_end: int
    voting_groups_at_month_end: int
    voting_groups_by_category: dict[str, int]
    complete: bool = True  # false for a month that ends before the register's opening balance


@dataclass(frozen=True, slots=True)
class BodyRow:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    body_id: int
    body_code: str
    reference: str
    held_on: date
    title: str | None
    classification: str


@dataclass(frozen=True, slots=True)
class HighlightRow:
    id: int
    body_id: int
    body_code: str
    meeting_id: int | None
    title: str
    body: str
    classification: str
    published_on: date


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    reference: str
    meeting_id: int
    kind: str
    text: str
    owner: str | None
    status: str
    outcome: str | None
    due_on: date | None
    classification: str


@dataclass(frozen=True, slots=True)
class ModificationRow:
    id: int
    reference: str
    former_references: list[str]
    title: str
    path: str | None
    stage: str | None
    proposer: str | None
    raised_on: date | None
    working_group: str | None
    release: str | None
    implemented_on: date | None
    parties_impacted: list[str]
    sec_sections: list[str]


@dataclass(frozen=True, slots=True)
class ModificationEventRow:
    id: int
    modification_id: int
    kind: str
    occurred_on: date
    note: str | None
    stage: str | None
    body_id: int | None
    outcome: str | None


@dataclass(frozen=True, slots=True)
class ApiKeyHolder:
    id: int
    name: str
    role: str
    bodies: list[str]
    party_id: int | None


@dataclass(frozen=True, slots=True)
class ReportTypeRow:
    id: int
    code: str
    name: str
    sec_clause: str | None
    cadence: str
    due_working_days: int | None
    tolerance_lower_pct: float | None
    tolerance_upper_pct: float | None
    obligation_from: str
    tbc: list[str]
    version: int
    below_tolerance_severity: str = "INFO"
    delivery_wording: str | None = None
    content_lead_in: str | None = None
    table_order: int = 100


@dataclass(frozen=True, slots=True)
class ServiceLevelRow:
    report_type_id: int
    measure: str
    provider: str | None
    name: str | None
    target_pct: float | None
    minimum_pct: float | None
    tbc: bool = False


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    id: int
    report_type_id: int
    report_type: str
    period: str
    sha256: bytes
    size_bytes: int
    filename: str | None
    format: str
    received_at: datetime
    status: str
    attempts: int
    row_count: int | None
    supersedes_id: int | None
    uploaded_by: str
    request_id: str | None
    due_at: datetime | None
    delivery: str


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    submission_id: int
    started_at: datetime
    finished_at: datetime
    catalogue_version: int
    outcome: str
    attempt: int
    finding_count: int


@dataclass(frozen=True, slots=True)
class FindingRow:
    id: int
    rule_code: str
    severity: str
    subject: str
    message: str
    sec_clause: str | None
    details: dict[str, object]
    row: int | None


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    id: int
    report_type_id: int
    report_type: str
    period: str
    rule_code: str
    subject: str
    severity: str
    status: str
    message: str
    sec_clause: str | None
    details: dict[str, object]
    submission_id: int | None
    first_flagged_at: datetime
    last_raised_at: datetime
    closed_by_system: bool
    meeting_id: int | None
    version: int


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    exception_id: int
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    comment: str | None
    meeting_id: int | None = None  # the meeting it was discussed at
