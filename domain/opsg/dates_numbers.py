"""Dates, numbers, months and periods as the OPSG table writes them: London days, thousands separators, one decimal."""

from __future__ import annotations

import calendar as months
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.periods import LONDON


def ordinal(n: int) -> str:
    """1st 2nd 3rd 4th ... 11th 12th 13th ... 21st 22nd 26th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def london(instant: datetime) -> datetime:
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(LONDON)


def day(instant: datetime) -> str:
    """The London calendar day of an instant: 15/05/2018."""
    return london(instant).strftime("%d/%m/%Y")


def long_day(on: date) -> str:
    """26th June 2018."""
    return f"{ordinal(on.day)} {months.month_name[on.month]} {on.year}"


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


def periods_label(periods: list[str]) -> str:
    """'April 2018'; 'April & May 2018' (one year); 'December 2017 & January 2018'."""
    labels = [period_label(p) for p in periods]
    if len(labels) == 1:
        return labels[0]
    years = {p.split("-")[0] for p in periods}
    if len(years) == 1:
        short = [label.rsplit(" ", 1)[0] for label in labels]
        return ", ".join(short[:-1]) + " & " + short[-1] + " " + years.pop()
    return ", ".join(labels[:-1]) + " & " + labels[-1]


def short_period(period: str, one_year: bool) -> str:
    """'April' within one year's periods, 'April 2018' otherwise."""
    label = period_label(period)
    return label.rsplit(" ", 1)[0] if one_year else label


def month_end(month: str) -> datetime:
    """The last instant of the month, London time."""
    year, m = (int(p) for p in month.split("-"))
    first_next = datetime(year + m // 12, m % 12 + 1, 1, tzinfo=LONDON)
    return first_next.astimezone(UTC) - timedelta(microseconds=1)


def plural(n: int, word: str) -> str:
    return f"{count(n)} {word}" + ("" if n == 1 else "s")


def tbc(text: str, marked: bool) -> str:
    """A value the papers do not state, shown as such."""
    return f"{text} (TBC)" if marked else text
