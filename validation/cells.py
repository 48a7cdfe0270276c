"""The text a spreadsheet cell shows, built for whole typed columns at once (polars expressions over Arrow data).

The text is the one `sheet.cell_text` gives the cell's Python value, and `sheet.text_series` a column of them, so
a report reads alike from XLSX, CSV and JSON: numbers whole below 2**53 as integers, other numbers as Python's repr
writes them (or as polars casts them, in a column of nothing but numbers), booleans as true/false, dates as ISO
dates, times of day as ISO times, durations as Python prints a timedelta.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from validation.sheet import EXACT_FLOAT

DAY_MS = 86_400_000
# How a date-formatted cell is shown when the reader gives it as text: chrono's form, "2018-05-03 12:30:00.500".
SHOWN_DATETIME = r"^[+-]?\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$"
_SHOWN_FORMAT = "%Y-%m-%d %H:%M:%S%.f"
# Python has no date after 9999-12-31: such a date-formatted cell was read as the number it holds.
_LAST_YEAR = 9999


@dataclass(frozen=True)
class DateSystem:
    """Where a workbook counts its dates from. A date-formatted number below 1 is a time of day, not a date; the
    reader places such a number before `first_day` (1900-01-01, or 1904-01-02 in the 1904 system)."""

    first_day: datetime
    epoch: datetime  # the day the serial numbers of ordinary dates (from 1900-03-01 on) count from

    @classmethod
    def of(cls, *, date_1904: bool) -> DateSystem:
        if date_1904:
            return cls(first_day=datetime(1904, 1, 2), epoch=datetime(1904, 1, 1))
        return cls(first_day=datetime(1900, 1, 1), epoch=datetime(1899, 12, 30))


def float_text(column: pl.Expr, *, only_numbers: bool) -> pl.Expr:
    """Numbers as text: whole ones below 2**53 as integers; the rest as polars casts them when the column holds
    nothing but numbers, else as Python's repr writes them."""
    whole = column.is_finite() & (column.floor() == column) & (column.abs() < EXACT_FLOAT)
    rest = column.cast(pl.String) if only_numbers else _repr(column)
    return pl.when(whole).then(column.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(rest)


def _repr(column: pl.Expr) -> pl.Expr:
    """Python's repr of a float from polars' cast: the two differ only for magnitudes 1e-9 to 1e-4, which polars
    writes as 0.0000123 (1e-5 up) or 1.5e-7 and Python as 1.23e-05 and 1.5e-07, and for NaN."""
    text = column.cast(pl.String)
    return (
        text.str.replace(r"^(-?)0\.0000([1-9])([0-9]+)$", "${1}${2}.${3}e-05")
        .str.replace(r"^(-?)0\.0000([1-9])$", "${1}${2}e-05")
        .str.replace(r"e-([0-9])$", "e-0${1}")
        .str.replace(r"^NaN$", "nan")
    )


def bool_text(column: pl.Expr) -> pl.Expr:
    return pl.when(column).then(pl.lit("true")).otherwise(pl.lit("false"))


def datetime_text(stamp: pl.Expr, dates: DateSystem) -> pl.Expr:
    """A date-formatted cell (a datetime in milliseconds): below 1 a time of day, at midnight a date, else an ISO
    datetime (with microseconds only when there are any); past 9999 the number itself."""
    fraction = stamp.dt.millisecond() != 0
    clock = pl.when(fraction).then(stamp.dt.strftime("%H:%M:%S%.6f")).otherwise(stamp.dt.strftime("%H:%M:%S"))
    full = (
        pl.when(fraction)
        .then(stamp.dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"))
        .otherwise(stamp.dt.strftime("%Y-%m-%dT%H:%M:%S"))
    )
    serial = (stamp - pl.lit(dates.epoch)).dt.total_milliseconds().cast(pl.Float64) / DAY_MS
    return (
        pl.when(stamp < pl.lit(dates.first_day))
        .then(clock)
        .when(stamp.dt.year() > _LAST_YEAR)
        .then(float_text(serial, only_numbers=False))
        .when(stamp.dt.truncate("1d") == stamp)
        .then(stamp.dt.strftime("%Y-%m-%d"))
        .otherwise(full)
    )


def shown_datetime(text: pl.Expr) -> pl.Expr:
    """The datetime behind a date-formatted cell read as text (see SHOWN_DATETIME)."""
    return text.str.to_datetime(_SHOWN_FORMAT, time_unit="ms", strict=False)


def duration_text(milliseconds: pl.Expr) -> pl.Expr:
    """A duration-formatted cell as Python prints a timedelta: "2:00:00", "1 day, 2:00:00", "-1 day, 23:00:00",
    with microseconds only when there are any."""
    days = milliseconds // DAY_MS  # floored, as timedelta keeps the days negative and the clock positive
    rest = milliseconds - days * DAY_MS
    minutes = (rest // 60_000 % 60).cast(pl.String).str.zfill(2)
    seconds = (rest // 1000 % 60).cast(pl.String).str.zfill(2)
    micro = rest % 1000 * 1000
    hours = (rest // 3_600_000).cast(pl.String)
    clock = pl.concat_str(hours, pl.lit(":"), minutes, pl.lit(":"), seconds)
    fraction = pl.concat_str(pl.lit("."), micro.cast(pl.String).str.zfill(6))
    clock = pl.when(micro != 0).then(pl.concat_str(clock, fraction)).otherwise(clock)
    word = pl.when(days.abs() == 1).then(pl.lit(" day, ")).otherwise(pl.lit(" days, "))
    return pl.when(days != 0).then(pl.concat_str(days.cast(pl.String), word, clock)).otherwise(clock)
