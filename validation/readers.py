"""Readers for the two non-CSV formats: XLSX (first sheet) and JSON (an array of objects)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence

import polars as pl
import python_calamine

from validation.sheet import MAX_COLUMNS, UnreadableFile, normalise_frame, refuse_width, text_series
from validation.workbook import check_workbook

# What reading a damaged or hostile workbook can raise: calamine's own errors, a Rust panic, and Python's
# errors building values from cells (a date out of range, say).
_CALAMINE_FAILURES = (
    python_calamine.CalamineError,
    pl.exceptions.PanicException,
    ValueError,
    OverflowError,
    TypeError,
    OSError,
)


def read_xlsx(data: bytes, *, max_columns: int = MAX_COLUMNS) -> pl.DataFrame:
    """The first sheet of a workbook; the first non-empty row is the header."""
    # The zip's structure, the sheet's declared dimension and its cell references, before any cell is read.
    check_workbook(data, max_columns=max_columns)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise UnreadableFile("the workbook has no sheets")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except UnreadableFile:
        raise
    except _CALAMINE_FAILURES as exc:
        raise UnreadableFile(f"not a readable XLSX workbook: {_first_line(exc)}") from None
    if not rows:
        raise UnreadableFile("the first sheet of the workbook is empty")
    header, body = rows[0], rows[1:]
    width = len(header)
    refuse_width(max(width, max((len(r) for r in body), default=0)), max_columns, "in the first sheet")
    # Column-wise conversion: one pass per column rather than per cell where the types allow.
    columns = list(zip(*(_pad(row, width) for row in body), strict=True)) if body else [()] * width
    frame = pl.DataFrame(
        [text_series(f"c{i}", column) for i, column in enumerate(columns)],
    )
    return normalise_frame(frame, header)


def read_json(text: str, *, max_columns: int = MAX_COLUMNS) -> pl.DataFrame:
    """An array of objects; keys are columns (a key absent from an object is a null value)."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise UnreadableFile("not readable JSON: nested too deeply") from None
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        raise UnreadableFile(
            f"not readable JSON: a number has more than {sys.get_int_max_str_digits():,} digits"
        ) from None
    if not isinstance(items, list):
        found = "an object" if isinstance(items, dict) else "a single value"
        raise UnreadableFile(f"the JSON must be an array of objects, one per row, not {found}")
    if not items:
        raise UnreadableFile("the JSON array is empty: no data rows")
    keys: dict[str, None] = {}
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise UnreadableFile(f"item {index} of the JSON array is not an object")
        keys.update(dict.fromkeys(item))
        if len(keys) > max_columns:  # checked as the keys are gathered: before any column is built
            refuse_width(
                len(keys), max_columns, f"distinct keys in the JSON objects up to item {index:,}", at_least=True
            )
    if not keys:
        raise UnreadableFile("the JSON objects have no keys: no columns")
    names = list(keys)
    frame = pl.DataFrame([text_series(f"c{i}", [item.get(name) for item in items]) for i, name in enumerate(names)])
    return normalise_frame(frame, names)


def _pad(row: Sequence[object], width: int) -> Sequence[object]:
    return row if len(row) == width else ([*row] + [None] * width)[:width]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
