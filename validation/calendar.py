"""The working-day calendar: bank holidays, reporting periods and due dates."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

import holidays

from domain.periods import LONDON
from domain.periods import PERIOD as _PERIOD

Cadence = Literal["MONTHLY", "QUARTERLY"]


class InvalidPeriod(ValueError):
    """A period string that is neither YYYY-MM nor YYYY-Qn."""


def bank_holidays(first_year: int, last_year: int) -> list[tuple[date, str]]:
    """Bank holidays in England and Wales for the years given (inclusive), in date order."""
    if last_year < first_year:
        return []
    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return sorted((day, str(name)) for day, name in found.items())


def is_working_day(day: date, non_working: Collection[date]) -> bool:
    """A Working Day is any day but Saturday, Sunday and a day in non_working."""
    return day.weekday() < 5 and day not in non_working


def nth_working_day_after(day: date, n: int, non_working: Collection[date]) -> date:
    """The n-th Working Day after `day`, not counting `day` itself (n=0 gives `day`)."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    # A set makes the membership test O(1) whatever collection the caller holds.
    closed = non_working if isinstance(non_working, (set, frozenset)) else set(non_working)
    current = day
    remaining = n
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, closed):
            remaining -= 1
    return current


def end_of_day_london(day: date) -> datetime:
    """The last instant (to the microsecond) of `day` in Europe/London, as an aware UTC datetime."""
    # Go through the next local midnight so a clock change that day is accounted for.
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
    return next_midnight.astimezone(UTC) - timedelta(microseconds=1)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A reporting period: a calendar month (YYYY-MM) or a calendar quarter (YYYY-Qn)."""

    year: int
    first_month: int
    cadence: Cadence

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise InvalidPeriod(f"year {self.year} is out of range")
        if self.cadence == "MONTHLY" and not 1 <= self.first_month <= 12:
            raise InvalidPeriod(f"month {self.first_month} is out of range 1..12")
        if self.cadence == "QUARTERLY" and self.first_month not in (1, 4, 7, 10):
            raise InvalidPeriod(f"a quarter starts in month 1, 4, 7 or 10, not {self.first_month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse "YYYY-MM" or "YYYY-Qn"; anything else raises InvalidPeriod."""
        match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidPeriod(f"invalid period {text!r}: expected YYYY-MM (e.g. 2018-04) or YYYY-Qn (e.g. 2018-Q2)")
        year = int(match["year"])
        if year == 0:
            raise InvalidPeriod(f"invalid period {text!r}: year 0000 does not exist")
        if match["quarter"] is not None:
            quarter = int(match["quarter"])
            if not 1 <= quarter <= 4:
                raise InvalidPeriod(f"invalid period {text!r}: quarter must be Q1 to Q4")
            return cls(year, 3 * quarter - 2, "QUARTERLY")
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise InvalidPeriod(f"invalid period {text!r}: month must be 01 to 12")
        return cls(year, month, "MONTHLY")

    @classmethod
    def containing(cls, day: date, cadence: Cadence) -> Period:
        """The period of the given cadence that contains `day`."""
        if cadence == "QUARTERLY":
            return cls(day.year, 3 * ((day.month - 1) // 3) + 1, "QUARTERLY")
        return cls(day.year, day.month, "MONTHLY")

    @property
    def quarter(self) -> int:
        """The calendar quarter (1..4) the period starts in."""
        return (self.first_month - 1) // 3 + 1

    @property
    def first_day(self) -> date:
        """The period's first day."""
        return date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        """The period's last day."""
        last_month = self.first_month + (2 if self.cadence == "QUARTERLY" else 0)
        return date(self.year, last_month, monthrange(self.year, last_month)[1])

    def next(self) -> Period:
        """The period straight after this one, of the same cadence."""
        step = 3 if self.cadence == "QUARTERLY" else 1
        index = self.year * 12 + self.first_month - 1 + step
        return Period(index // 12, index % 12 + 1, self.cadence)

    def previous(self) -> Period:
        """The period straight before this one, of the same cadence."""
        step = 3 if self.cadence == "QUARTERLY" else 1
        index = self.year * 12 + self.first_month - 1 - step
        return Period(index // 12, index % 12 + 1, self.cadence)

    def __str__(self) -> str:
        if self.cadence == "QUARTERLY":
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}-{self.first_month:02d}"


def due_day(period: Period, due_working_days: int | None, non_working: Collection[date]) -> date | None:
    """The deadline day: the Nth Working Day after the period's last day; None without a due rule."""
    if due_working_days is None:
        return None
    return nth_working_day_after(period.last_day, due_working_days, non_working)


def due_at(period: Period, due_working_days: int | None, non_working: Collection[date]) -> datetime | None:
    """The deadline instant: the end of the due day in London, as an aware UTC datetime."""
    day = due_day(period, due_working_days, non_working)
    return None if day is None else end_of_day_london(day)
