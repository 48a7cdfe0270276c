"""How numbers, percentages, clauses and instants read in a finding's message."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.periods import LONDON


def count(value: int) -> str:
    """A count with thousands separators: 873,383."""
    return f"{value:,}"


def one_decimal(value: float) -> float:
    """Round half-up to one decimal, on the number as written (99.45 -> 99.5, not 99.4)."""
    try:
        return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # nan or inf: nothing to round
        return float(value)


def pct(value: float) -> str:
    """A percentage with exactly one decimal: 157.7%."""
    return f"{one_decimal(value):.1f}%"


def ratio_pct(actual: int, forecast: int) -> float:
    """actual / forecast as a percentage with one decimal, rounded half-up, in exact integer arithmetic."""
    return ((actual * 2000 + forecast) // (2 * forecast)) / 10


def clause(sec_clause: str | None) -> str:
    """' (SEC L8.9)' to close a message, or nothing without a clause."""
    return f" (SEC {sec_clause})" if sec_clause else ""


def as_utc(instant: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def london(instant: datetime) -> str:
    """An instant as London wall-clock time, the way the Operations Group reads it: 04/06/2018 10:12 (London)."""
    return as_utc(instant).astimezone(LONDON).strftime("%d/%m/%Y %H:%M") + " (London)"


def london_day(instant: datetime) -> str:
    """The London calendar day of an instant: 15/05/2018."""
    return as_utc(instant).astimezone(LONDON).strftime("%d/%m/%Y")
