"""What every reader shares: the UnreadableFile error and turning raw cells into a clean string frame."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import polars as pl

# No report has more than a few dozen columns; a file claiming thousands is refused before columns are built
# (the cost of building them grows with columns times rows). The worker passes SECGOV_MAX_COLUMNS.
MAX_COLUMNS = 200
# Floats beyond this lose integer precision, so they are written as floats, not as whole numbers.
EXACT_FLOAT = 2.0**53


class UnreadableFile(Exception):
    """The bytes are not a readable report file; `reason` says why, `line` where (when known)."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(reason if line is None else f"{reason} (line {line})")


def refuse_width(columns: int, max_columns: int, where: str, *, at_least: bool = False) -> None:
    """Refuse a file wider than the column limit, naming where the columns were counted."""
    if columns > max_columns:
        count = f"more than {max_columns:,}" if at_least else f"{columns:,}"
        raise UnreadableFile(f"the file has {count} columns ({where}); at most {max_columns:,} columns are read")


def cell_text(value: object) -> str | None:
    """One spreadsheet or JSON value as the text a person would have typed."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < EXACT_FLOAT:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        # A date-formatted cell comes back as midnight: keep it a plain ISO date.
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def text_series(name: str, values: Sequence[object]) -> pl.Series:
    """A column of cells as pl.String, converting whole columns at once where their types allow."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {str}:
        return pl.Series(name, values, dtype=pl.String)
    if kinds <= {int}:
        # Python ints of any size: Int128 holds what JSON usually carries, else fall through.
        try:
            return pl.Series(name, values, dtype=pl.Int128).cast(pl.String)
        except (OverflowError, TypeError, pl.exceptions.PolarsError):
            pass
    elif kinds <= {float}:
        floats = pl.Series(name, values, dtype=pl.Float64)
        whole = floats.is_finite() & (floats.floor() == floats) & (floats.abs() < EXACT_FLOAT)
        return pl.select(
            pl.when(whole)
            .then(floats.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(floats.cast(pl.String))
            .alias(name)
        ).to_series()
    return pl.Series(name, [cell_text(value) for value in values], dtype=pl.String)


def _clean(column: str) -> pl.Expr:
    stripped = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped).alias(column)


def _needs_cleaning(column: pl.Series) -> bool:
    """Would stripping or empty -> null change anything? (One column at a time: its stripped copy is brief.)"""
    if column.dtype != pl.String:
        return True
    lengths = column.str.len_bytes()
    return bool((lengths == 0).any() or (column.str.strip_chars().str.len_bytes() != lengths).any())


def _cleaned(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column stripped, empty -> null; a column that needs neither is kept as it is, not copied."""
    dirty = [c for c in frame.columns if _needs_cleaning(frame.get_column(c))]
    return frame.with_columns(_clean(c) for c in dirty) if dirty else frame


def normalise_frame(frame: pl.DataFrame, header: Sequence[object]) -> pl.DataFrame:
    """Name columns from the header (stripped, lower-cased), strip values, empty -> null; reject no data."""
    names = [(cell_text(value) or "").strip().lower() for value in header]
    frame = _cleaned(frame)
    keep: list[str] = []
    renamed: dict[str, str] = {}
    seen: dict[str, int] = {}
    for position, (column, name) in enumerate(zip(frame.columns, names, strict=True), start=1):
        if not name:
            if frame.get_column(column).null_count() == frame.height:
                continue  # a trailing separator or an empty spreadsheet column: nothing there
            name = f"column_{position}"
        if name in seen:
            raise UnreadableFile(
                f"column {name!r} appears twice in the header (columns {seen[name]} and {position});"
                " column names are case-insensitive",
                line=1,
            )
        seen[name] = position
        keep.append(column)
        renamed[column] = name
    if not keep:
        raise UnreadableFile("the header row has no column names", line=1)
    frame = frame.select(keep).rename(renamed)
    if frame.height == 0 or not frame.select(pl.any_horizontal(pl.all().is_not_null()).any()).item():
        raise UnreadableFile("the file has a header row but no data rows")
    return frame
