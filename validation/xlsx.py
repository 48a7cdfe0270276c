"""The first sheet of a workbook as text columns, read through calamine's Arrow output (fastexcel).

Cells arrive as typed Arrow columns rather than as a Python object each, and become the text a person sees
(validation.cells) a whole column at a time. The reader types a column by all of its cells, which decides how
many times the sheet is read:

- Once, for most reports: a header of names over columns of one kind each (text, numbers, dates), with no blank
  among the numbers or dates.
- Twice when a column of numbers, booleans or dates has gaps: the reader types a blank and a placeholder (n/a,
  NULL, #N/A and the like) alike as missing, so those columns are read again as text to tell them apart.
- Cell by cell when a column mixes kinds (numbers and text, say), the header is not plain text, or a cell holds
  an error the reader will not type: the sheet is read as text and as numbers, and, only when the two leave a
  cell's kind in doubt, as booleans (not null for numbers) and as durations (not null for date-formatted cells).
  Only the typed read tells a duration format ([h]:mm) from a date format, and it types no column that mixes
  durations with other cells: there a duration is taken for a date or a time of day.
"""

from __future__ import annotations

import logging
import re
from functools import cached_property

import fastexcel
import polars as pl

from validation.cells import (
    SHOWN_DATETIME,
    DateSystem,
    bool_text,
    datetime_text,
    duration_text,
    float_text,
    shown_datetime,
)
from validation.sheet import UnreadableFile, cell_text, refuse_width
from validation.workbook import uses_1904_dates

# What reading a damaged or hostile workbook can raise: the reader's own errors (calamine's among them) and
# Python's errors building values; a Rust panic is caught by name (see first_sheet).
_FAILURES = (fastexcel.FastExcelError, ValueError, OverflowError, TypeError, OSError)
# The typed read gives up on a column of more than one kind of cell, or on an error cell it does not know.
_NOT_ONE_KIND = (fastexcel.UnsupportedColumnTypeCombinationError, fastexcel.CalamineCellError)
# The reader names a repeated header "a", then "a_1": such a name may hide a repeat the header check must see.
_REPEAT = re.compile(r"(.*)_[0-9]+", re.DOTALL)
# A header number comes as the shortest digits that give it back; Python may write the same number otherwise.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?|-?inf|NaN")
_BOOLEANS = ("true", "false")
# A column of nothing but blanks and placeholders is typed as text, which is what is wanted here; the reader
# would log a warning for each such column of every upload.
logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)


class _CellByCell(Exception):
    """The typed read cannot give every cell's text exactly: the sheet is read cell by cell instead."""


def first_sheet(data: bytes, *, max_columns: int) -> tuple[list[str | None], pl.DataFrame]:
    """The first sheet's header cells as text, and its data rows as text columns c0, c1, ... (null where empty).

    The sheet starts at its first non-empty row and column, as the header row."""
    try:
        sheet = _Sheet(fastexcel.read_excel(data), data, max_columns)
        try:
            return sheet.typed()
        except _CellByCell:
            return sheet.by_cell()
    except UnreadableFile:
        raise
    except _FAILURES as exc:
        raise UnreadableFile(f"not a readable XLSX workbook: {_first_line(exc)}") from None
    except BaseException as exc:
        # A panic in the reader (a date beyond chrono's range, say) surfaces as pyo3's PanicException: a
        # BaseException, and a class of each extension's own, so it is known by name; nothing else is caught here.
        if type(exc).__name__ != "PanicException":
            raise
        raise UnreadableFile(f"not a readable XLSX workbook: {_first_line(exc)}") from None


class _Sheet:
    def __init__(self, reader: fastexcel.ExcelReader, data: bytes, max_columns: int) -> None:
        if not reader.sheet_names:
            raise UnreadableFile("the workbook has no sheets")
        self.reader = reader
        self.data = data
        self.max_columns = max_columns
        self.offset = 0  # the sheet's first column: the reader picks columns by their place in the whole sheet

    def typed(self) -> tuple[list[str | None], pl.DataFrame]:
        """One typed read, the header as column names (plus a text read of the columns with gaps)."""
        try:
            sheet = self.reader.load_sheet(0, header_row=0, schema_sample_rows=None, dtype_coercion="strict")
        except _NOT_ONE_KIND:
            raise _CellByCell from None
        self._check_width(sheet.width)
        columns = sheet.selected_columns
        self.offset = columns[0].absolute_index - columns[0].index
        if not _plain_header(columns):
            raise _CellByCell
        frame = _numbered(sheet.to_polars(), "c")
        del sheet  # the reader's grid of cells goes; the Arrow columns stay
        if any(s.dtype == pl.Float64 and s.is_nan().any() for s in frame.iter_columns()):
            raise _CellByCell  # a placeholder such as "nan" read as a number
        dtypes = frame.dtypes
        gaps = [i for i, s in enumerate(frame.iter_columns()) if s.dtype != pl.String and s.null_count()]
        if gaps:
            shown = self._read(header_row=0, use_columns=[self.offset + i for i in gaps], dtypes="string")
            frame = frame.hstack(shown.rename(dict(zip(shown.columns, (f"s{i}" for i in gaps), strict=True))))
        texts = []
        for i, dtype in enumerate(dtypes):
            text = self._typed_text(pl.col(f"c{i}"), dtype, gaps=i in gaps)
            if i in gaps:
                text = pl.when(pl.col(f"c{i}").is_null()).then(pl.col(f"s{i}")).otherwise(text)
            texts.append(text.alias(f"c{i}"))
        return [c.name for c in columns], frame.select(texts)

    def _typed_text(self, column: pl.Expr, dtype: pl.DataType, *, gaps: bool) -> pl.Expr:
        if dtype == pl.String:
            return column
        if dtype == pl.Float64:
            return float_text(column, only_numbers=not gaps)
        if dtype == pl.Boolean:
            return bool_text(column)
        if isinstance(dtype, pl.Datetime):
            return datetime_text(column.cast(pl.Datetime("ms")), self.dates)
        if dtype == pl.Date:
            return column.dt.strftime("%Y-%m-%d")
        if isinstance(dtype, pl.Duration):
            return duration_text(column.dt.total_milliseconds())
        if dtype == pl.Null:
            return pl.lit(None, pl.String)
        if dtype.is_integer():
            return column.cast(pl.String)
        raise _CellByCell

    def by_cell(self) -> tuple[list[str | None], pl.DataFrame]:
        """The sheet, header row included, read as text and as numbers; as booleans and durations when needed."""
        sheet = self.reader.load_sheet(0, header_row=None, dtypes="string")
        self._check_width(sheet.width)
        self.offset = sheet.selected_columns[0].absolute_index - sheet.selected_columns[0].index
        shown = sheet.to_polars()
        del sheet
        width = shown.width
        frame = _numbered(shown, "s").hstack(_numbered(self._read(header_row=None, dtypes="float"), "f"))
        del shown
        s = [pl.col(f"s{i}") for i in range(width)]
        f = [pl.col(f"f{i}") for i in range(width)]
        # A number whose text differs from the cell read as text is either a number the text read wrote with nine
        # decimals at most, or text that reads as a number ("1.50", "007"): only the cell's kind says which. So do
        # numbers whose text depends on whether their column holds nothing but numbers.
        doubt = [
            (f[i].is_not_null() & ~s[i].is_in(_BOOLEANS) & (s[i] != float_text(f[i], only_numbers=False)))
            | (float_text(f[i], only_numbers=True) != float_text(f[i], only_numbers=False))
            for i in range(width)
        ]
        dated = [f[i].is_null() & s[i].str.contains(SHOWN_DATETIME) for i in range(width)]
        flags = frame.select(
            pl.any_horizontal(e.any() for e in doubt).alias("doubt"),
            *(e.any().alias(f"dated{i}") for i, e in enumerate(dated)),
        ).row(0)
        texts = list(s)
        if flags[0]:
            frame = frame.hstack(_numbered(self._read(header_row=None, dtypes="boolean"), "b"))
            texts = self._numbers(frame, s, f, texts)
        if any(flags[1:]):
            frame = frame.hstack(_numbered(self._read(header_row=None, dtypes="duration"), "d"))
            texts = self._dates(frame, s, texts)
        text = frame.select(t.alias(f"c{i}") for i, t in enumerate(texts))
        return list(text.row(0)), text.slice(1)

    def _numbers(self, frame: pl.DataFrame, s: list[pl.Expr], f: list[pl.Expr], texts: list[pl.Expr]) -> list[pl.Expr]:
        """Numbers by their kind: the boolean read is null for text and dates, true/false for booleans."""
        width = len(texts)
        number = [pl.col(f"b{i}").is_not_null() & f[i].is_not_null() & ~s[i].is_in(_BOOLEANS) for i in range(width)]
        # Whether a column holds nothing but numbers is a matter of its data rows; the header is a cell of its own.
        only = frame.select(number[i].slice(1).all().alias(str(i)) for i in range(width)).row(0)
        header = pl.int_range(pl.len()) == 0
        return [
            pl.when(number[i])
            .then(
                pl.when(header)
                .then(float_text(f[i], only_numbers=False))
                .otherwise(float_text(f[i], only_numbers=only[i]))
            )
            .otherwise(texts[i])
            for i in range(width)
        ]

    def _dates(self, frame: pl.DataFrame, s: list[pl.Expr], texts: list[pl.Expr]) -> list[pl.Expr]:
        """Date-formatted cells (the duration read is null for every other cell) as dates, times or durations."""
        width = len(texts)
        found = frame.select(pl.col(f"d{i}").slice(1).is_not_null().any().alias(str(i)) for i in range(width)).row(0)
        durations = self._durations([i for i in range(width) if found[i]])
        header = pl.int_range(pl.len()) == 0
        out = []
        for i, text in enumerate(texts):
            d, stamp = pl.col(f"d{i}"), shown_datetime(s[i])
            dated = datetime_text(stamp, self.dates)
            if i in durations:
                dated = pl.when(header).then(dated).otherwise(duration_text(d.dt.total_milliseconds()))
            out.append(pl.when(d.is_not_null() & stamp.is_not_null()).then(dated).otherwise(text))
        return out

    def _durations(self, columns: list[int]) -> set[int]:
        """Which of these columns hold durations. Only the typed read knows a duration format ([h]:mm) from a date
        format: it types a column of durations and gaps as durations, and refuses durations mixed with any other
        kind of cell, so a column it refuses is taken for dates and times (tried alone, if others came with it)."""
        if not columns:
            return set()
        try:
            chosen = [self.offset + i for i in columns]
            sheet = self.reader.load_sheet(0, header_row=0, use_columns=chosen, schema_sample_rows=None)
        except _NOT_ONE_KIND:
            return set() if len(columns) == 1 else set().union(*(self._durations([i]) for i in columns))
        return {i for i, column in zip(columns, sheet.selected_columns, strict=True) if column.dtype == "duration"}

    def _read(
        self, *, header_row: int | None, dtypes: fastexcel.DType, use_columns: list[int] | None = None
    ) -> pl.DataFrame:
        return self.reader.load_sheet(0, header_row=header_row, dtypes=dtypes, use_columns=use_columns).to_polars()

    def _check_width(self, width: int) -> None:
        if not width:
            raise UnreadableFile("the first sheet of the workbook is empty")
        refuse_width(width, self.max_columns, "in the first sheet")

    @cached_property
    def dates(self) -> DateSystem:
        """The workbook's date system, from the flag the reader itself reads (check_workbook has vetted the part)."""
        return DateSystem.of(date_1904=uses_1904_dates(self.data))


def _plain_header(columns: list[fastexcel.ColumnInfo]) -> bool:
    """Are the reader's column names exactly the header cells' text? Not for an empty or non-text cell (the
    reader makes up a name), a repeated name (renamed), or a number Python writes differently."""
    names = {c.name for c in columns}
    for column in columns:
        if column.column_name_from != "looked_up":
            return False
        repeat = _REPEAT.fullmatch(column.name)
        if repeat is not None and repeat.group(1) in names:
            return False
        if _NUMBER.fullmatch(column.name) and cell_text(float(column.name)) != column.name:
            return False
    return True


def _numbered(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return frame.rename(dict(zip(frame.columns, (f"{prefix}{i}" for i in range(frame.width)), strict=True)))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
