"""Readers for the two non-CSV formats: XLSX (first sheet) and JSON (an array of objects)."""

from __future__ import annotations

import json
import sys

import polars as pl

from validation.sheet import MAX_COLUMNS, UnreadableFile, normalise_frame, refuse_width, text_series
from validation.workbook import check_workbook
from validation.xlsx import first_sheet


def read_xlsx(data: bytes, *, max_columns: int = MAX_COLUMNS) -> pl.DataFrame:
    """The first sheet of a workbook; the first non-empty row is the header."""
    # The zip's structure, the sheet's declared dimension and its cell references, before any cell is read.
    check_workbook(data, max_columns=max_columns)
    header, frame = first_sheet(data, max_columns=max_columns)
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
