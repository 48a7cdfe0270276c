"""What a validation run, or a deadline passed with nothing received, does to a period's exceptions: which it
raises, which it reopens or raises again, which it closes, and what each one's history says.

Pure: the caller reads the period's exceptions (locked) and what the run raises, `plan` decides, and the store writes
the plan in a few set-based statements. The exception's identity is (report type, period, rule, subject), so a
redelivered message or a re-run of the same submission plans nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.periods import LONDON
from domain.review import RESOLVED_BY_A_RUN

Key = tuple[str, str]  # (rule code, subject)
MISSING_REPORT = "MISSING_REPORT"
MISSING_SUBJECT = "REPORT"


@dataclass(frozen=True, slots=True)
class Raised:
    """What a run raises: the exception's identity within the period and what it says."""

    rule_code: str
    subject: str
    severity: str
    message: str
    sec_clause: str | None
    details: dict[str, Any]

    @property
    def key(self) -> Key:
        return (self.rule_code, self.subject)


@dataclass(frozen=True, slots=True)
class RaisePolicy:
    """Which of a run's findings become exceptions: those of these severities; those of the `by_column` rules one per
    column (a bad cell each); at most `cap` per rule, the rest summed up in one MORE exception naming `shown` of
    them. Handed to the store as data, which reads a run's findings set by set."""

    cap: int
    severities: tuple[str, ...] = ("WARNING", "HIGH")
    by_column: tuple[str, ...] = ("SCHEMA",)
    shown: int = 20


@dataclass(frozen=True, slots=True)
class Found:
    """What the store found to raise: one finding (ONE), a column's findings of a by-column rule (COLUMN: `n` of
    them, their first `rows`), or the rest of a rule past the cap (MORE: `n` of them, their first `subjects`)."""

    kind: str
    rule_code: str
    subject: str | None
    severity: str
    message: str | None
    sec_clause: str | None
    details: dict[str, Any] | None
    row: int | None
    n: int | None
    rows: list[int] | None
    subjects: list[str] | None


def raised_from(found: Iterable[Found], policy: RaisePolicy) -> list[Raised]:
    """The exceptions a run raises, worded, in the order found."""
    return [_raised(f, policy) for f in found]


def _raised(f: Found, policy: RaisePolicy) -> Raised:
    if f.kind == "MORE":
        n = f.n or 0
        return Raised(
            f.rule_code,
            "MORE",
            f.severity,
            f"{n:,} more {f.rule_code} problems were found in this run and not raised one by one (the first "
            f"{policy.cap:,} were); see the submission's findings",
            f.sec_clause,
            {"count": n, "subjects": list(f.subjects or [])},
        )
    subject, message, details = f.subject or "", f.message or "", dict(f.details or {})
    if f.kind == "COLUMN" and (f.n or 0) > 1:
        rows = list(f.rows or [])
        first = str(rows[0]) if rows else "?"
        message = f"{f.n:,} rows have invalid values in column '{subject}', first at row {first}: {message}"
        details = {"column": subject, "count": f.n, "rows": rows}
    elif f.kind == "COLUMN":
        details["rows"] = [f.row] if f.row is not None else []
    return Raised(f.rule_code, subject, f.severity, message, f.sec_clause, details)


@dataclass(frozen=True, slots=True)
class Existing:
    """An exception of the period as stored, with what the plan needs of it."""

    id: int
    rule_code: str
    subject: str
    status: str
    closed_by_system: bool
    submission_id: int | None
    version: int

    @property
    def key(self) -> Key:
        return (self.rule_code, self.subject)


@dataclass(frozen=True, slots=True)
class Effect:
    """What a run may do beyond raising: close what it no longer raises, and the words of each move."""

    closes: bool
    closing_comment: str = ""
    raised_again_comment: str = ""
    closing_by_rule: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of an exception's history, written by the system."""

    exception_id: int
    action: str
    from_status: str | None
    to_status: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class Update:
    """An existing exception raised again: what it now says, and its status after."""

    id: int
    raised: Raised
    status: str
    closed_by_system: bool


@dataclass(frozen=True, slots=True)
class Plan:
    order: tuple[Key, ...]  # each key raised, once, in the order raised
    fresh: tuple[Raised, ...]  # new exceptions
    updates: tuple[Update, ...]
    history: tuple[Entry, ...]  # for exceptions that exist already
    closes: tuple[Existing, ...]  # resolved by the system
    notes: tuple[Entry, ...]  # on ESCALATED ones the run no longer raises, unless their history has it already
    reopened: frozenset[Key]


def plan(existing: Iterable[Existing], raised: Sequence[Raised], *, submission_id: int | None, effect: Effect) -> Plan:
    """Raise (new, raised again, or reopened when the system had closed it) and, when the effect closes, resolve what
    is no longer raised; an ESCALATED exception is the Panel's to settle, so it only gets a comment."""
    by_key = {e.key: e for e in existing}
    order: dict[Key, None] = {}
    fresh: list[Raised] = []
    updates: list[Update] = []
    history: list[Entry] = []
    reopened: set[Key] = set()
    for r in raised:
        if r.key in order:
            continue
        order[r.key] = None
        old = by_key.get(r.key)
        if old is None:
            fresh.append(r)
            continue
        status, by_system = old.status, old.closed_by_system
        if old.status in ("RESOLVED", "WAIVED") and old.closed_by_system:
            status, by_system = "OPEN", False
            history.append(Entry(old.id, "SYSTEM_REOPENED", old.status, "OPEN", effect.raised_again_comment))
            reopened.add(r.key)
        elif submission_id is not None and old.submission_id != submission_id:
            note = effect.raised_again_comment
            if old.status in ("RESOLVED", "WAIVED"):
                note += f"; left {old.status} as its reviewer decided"
            history.append(Entry(old.id, "RAISED_AGAIN", old.status, old.status, note))
        updates.append(Update(old.id, r, status, by_system))
    closes: list[Existing] = []
    notes: list[Entry] = []
    if effect.closes:
        for old in by_key.values():
            if old.key in order:
                continue
            comment = effect.closing_by_rule.get(old.rule_code, effect.closing_comment)
            if old.status in RESOLVED_BY_A_RUN:
                closes.append(old)
                history.append(Entry(old.id, "SYSTEM_RESOLVED", old.status, "RESOLVED", comment))
            elif old.status == "ESCALATED":
                notes.append(Entry(old.id, "COMMENT", "ESCALATED", "ESCALATED", comment))
    return Plan(
        tuple(order), tuple(fresh), tuple(updates), tuple(history), tuple(closes), tuple(notes), frozenset(reopened)
    )


def flagged(exception_id: int, raised: Raised) -> Entry:
    """The first line of a new exception's history: flagged, with what it says."""
    return Entry(exception_id, "FLAGGED", None, "OPEN", raised.message)


def london_day(moment: datetime) -> str:
    """The London day of an instant, as a comment reads it: 4 Jun 2018."""
    return f"{moment.astimezone(LONDON):%d %b %Y}".lstrip("0")


def run_effect(
    *, rejected: bool, newest_accepted: bool, resubmission: bool, received_at: datetime, late: bool
) -> Effect | None:
    """Only the newest submission not REJECTED raises and closes; a REJECTED one raises its own and closes nothing;
    an older one, overtaken by a newer submission, does neither (None)."""
    if not rejected and not newest_accepted:
        return None
    when = london_day(received_at)
    closing = (
        f"not raised by the resubmission of {when}"
        if resubmission
        else f"not raised by the validation of the submission of {when}"
    )
    return Effect(
        closes=not rejected,
        closing_comment=closing,
        raised_again_comment=f"raised again by the submission of {when}",
        closing_by_rule={MISSING_REPORT: f"report received: {'late' if late else 'on time'}"},
    )


# A deadline passed with nothing received: raised, or raised again, never closing anything.
STILL_MISSING = Effect(closes=False, raised_again_comment="still missing")


def missing_report(*, code: str, period: str, due_at: datetime, sec_clause: str | None) -> Raised:
    """The MISSING_REPORT exception of a report and period; people read the deadline as the end of its London day."""
    when = f"the end of {due_at.astimezone(LONDON):%d/%m/%Y} (London time)"
    return Raised(
        MISSING_REPORT,
        MISSING_SUBJECT,
        "HIGH",
        f"{code} for {period} was due by {when} and has not been received"
        + (f" (SEC {sec_clause})" if sec_clause else ""),
        sec_clause,
        {"due_at": due_at.isoformat(), "period": period},
    )
