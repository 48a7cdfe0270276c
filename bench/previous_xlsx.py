"""The XLSX reader as it was before the Arrow path: python-calamine's Python value per cell, converted a column at
a time by sheet.text_series. Kept as the reference the new reader is held to (tests/unit/test_xlsx_reader.py) and
measured against (bench/bench_xlsx.py)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import polars as pl
import python_calamine

from validation.sheet import MAX_COLUMNS, UnreadableFile, normalise_frame, refuse_width, text_series
from validation.workbook import check_workbook

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
    columns = list(zip(*(_pad(row, width) for row in body), strict=True)) if body else [()] * width
    frame = pl.DataFrame(
        [text_series(f"c{i}", column) for i, column in enumerate(columns)],
    )
    return normalise_frame(frame, header)


def _pad(row: Sequence[object], width: int) -> Sequence[object]:
    return row if len(row) == width else ([*row] + [None] * width)[:width]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
