"""The Party lifecycle rules: which event may follow which (pure; the caller holds the Party's row lock)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from domain.errors import LifecycleViolation

# A Party in one of these is a member of the Code: it votes, and the membership figures count it.
MEMBER_STATUSES = ("ACTIVE", "IN_DEFAULT")


class RecordedEvent(Protocol):
    """What the rules read of a recorded event (the store's row has more)."""

    @property
    def kind(self) -> str: ...

    @property
    def occurred_on(self) -> date: ...


NEEDS_ACCESSION = {
    "UEP_COMPLETED",
    "SREPT_COMPLETED",
    "UEPT_COMPLETED",
    "DEFAULT_ENTERED",
    "DEFAULT_CURED",
    "WITHDRAWAL",
    "EXPULSION",
}
LEAVING = {"WITHDRAWAL", "EXPULSION"}


def _on_or_before(events: Sequence[RecordedEvent], kind: str, day: date) -> list[RecordedEvent]:
    return [e for e in events if e.kind == kind and e.occurred_on <= day]


def _in_default(events: Sequence[RecordedEvent], day: date) -> bool:
    entered = [e.occurred_on for e in _on_or_before(events, "DEFAULT_ENTERED", day)]
    cured = [e.occurred_on for e in _on_or_before(events, "DEFAULT_CURED", day)]
    return bool(entered) and (not cured or max(entered) > max(cured))


def check(events: Sequence[RecordedEvent], kind: str, day: date) -> None:
    """Raise LifecycleViolation when an event of `kind` on `day` contradicts the Party's recorded events."""
    left = [e for e in events if e.kind in LEAVING]
    if left:
        gone = min(left, key=lambda e: e.occurred_on)
        if kind in LEAVING:
            raise LifecycleViolation(
                f"the Party already has a {gone.kind.lower()} dated {gone.occurred_on}", field="kind"
            )
        if day > gone.occurred_on:
            raise LifecycleViolation(
                f"no event can follow the Party's {gone.kind.lower()} on {gone.occurred_on}", field="occurredOn"
            )
    acceded = _on_or_before(events, "ACCESSION", day)
    if kind == "ACCESSION" and any(e.kind == "ACCESSION" for e in events):
        raise LifecycleViolation("the Party has already acceded", field="kind")
    if kind == "APPLICATION" and any(e.kind in ("APPLICATION", "ACCESSION") for e in events):
        raise LifecycleViolation("the Party has already applied or acceded", field="kind")
    if kind in NEEDS_ACCESSION and not acceded:
        raise LifecycleViolation(
            f"a {kind.lower().replace('_', ' ')} needs an accession on or before {day}", field="occurredOn"
        )
    if kind == "DEFAULT_ENTERED" and _in_default(events, day):
        raise LifecycleViolation("the Party is already in an Event of Default on that day", field="kind")
    if kind == "DEFAULT_CURED" and not _in_default(events, day):
        raise LifecycleViolation("the Party is not in an Event of Default on that day", field="kind")
