"""The XLSX reader gives every cell the text the reader before it gave (python-calamine's Python value per cell,
converted by sheet.text_series), on workbooks of every kind of cell, alone in a column, mixed, and at random; and a
plain report is read in one pass."""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.hostile import inline, number, sheet, workbook
from validation.readers import read_xlsx
from validation.sheet import UnreadableFile

pytest.importorskip("python_calamine")  # a dev dependency: the previous reader, kept as the reference
xlsxwriter = pytest.importorskip("xlsxwriter")
fastexcel = pytest.importorskip("fastexcel")

from bench.previous_xlsx import read_xlsx as previous_reader  # noqa: E402

UNREADABLE = "not a readable XLSX workbook"


def outcome(read: Callable[[bytes], pl.DataFrame], data: bytes) -> object:
    try:
        return read(data)
    except UnreadableFile as exc:
        return exc.reason


def assert_read_as_before(data: bytes) -> None:
    new, old = outcome(read_xlsx, data), outcome(previous_reader, data)
    if isinstance(old, pl.DataFrame):
        assert isinstance(new, pl.DataFrame), new
        assert_frame_equal(new, old)
    elif isinstance(old, str) and old.startswith(UNREADABLE):  # each reader words its own errors
        assert isinstance(new, str) and new.startswith(UNREADABLE), new
    else:
        assert new == old


@dataclass(frozen=True)
class Cached:
    """A formula and the result the workbook stores for it (never evaluated by the reader)."""

    value: object


@dataclass(frozen=True)
class Span:
    """A number formatted as a duration ([h]:mm:ss)."""

    days: float


FORMATS = {"date": "yyyy-mm-dd", "stamp": "yyyy-mm-dd hh:mm:ss.000", "clock": "hh:mm:ss", "span": "[h]:mm:ss"}


def book(
    columns: Mapping[str, Sequence[object]] | Sequence[tuple[object, Sequence[object]]],
    *,
    row: int = 0,
    column: int = 0,
    date_1904: bool = False,
) -> bytes:
    """A workbook whose first sheet holds `columns` (header cell, then the cells below), from (row, column) on."""
    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": date_1904})
    formats = {name: out.add_format({"num_format": spec}) for name, spec in FORMATS.items()}
    ws = out.add_worksheet()
    for c, (name, values) in enumerate(columns.items() if isinstance(columns, Mapping) else columns, start=column):
        for r, value in enumerate([name, *values], start=row):
            _write(ws, formats, r, c, value)
    out.add_worksheet().write(0, 0, "only the first sheet is read")
    out.close()
    return buffer.getvalue()


def _write(ws: Any, formats: dict[str, Any], r: int, c: int, value: object) -> None:
    if value is None:
        return
    if isinstance(value, Cached):
        if isinstance(value.value, str) and value.value.startswith("#"):
            ws.write_formula(r, c, "=NA()", None, value.value)  # stored as an error cell
        else:
            ws.write_formula(r, c, "=1+1", None, value.value)
    elif isinstance(value, Span):
        ws.write_number(r, c, value.days, formats["span"])
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, formats["stamp"])
    elif isinstance(value, date):
        ws.write_datetime(r, c, value, formats["date"])
    elif isinstance(value, time):
        ws.write_datetime(r, c, value, formats["clock"])
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, str):
        ws.write_string(r, c, value)
    else:
        ws.write_number(r, c, value)


SMALL = [1.5e-7, -1e-5, 1.2345e-5, 9.99999e-6, 1e-9, 1e-10, 5e-324]
LARGE = [1e20, -1e16, 2.0**53, 2.0**53 + 2, 123456789012345678.0, 1e300, -(2.0**53) + 1]
COLUMNS: dict[str, Sequence[object]] = {
    "text": [
        " a b ",
        "plain",
        "  ",
        "tab\tinside",
        "Café",
        "007",
        "1.50",
        "n/a",
        "NULL",
        "#N/A",
        "2018-05-03 00:00:00",
    ],
    "ints": [0, 553814, -42, 10**12, 2**53 - 1, 7, 1, 100, 3, 99, 12],
    "whole_floats": [14.0, -3.0, 0.0, -0.0, 1e15, 42.0, 1.0, 2.0, 3.0, 4.0, 5.0],
    "fractions": [1.5, -3.25, 0.1, 1 / 3, 123456.789, -0.5, 2.5e-4, 1e-4, 0.001, 99.99, 1e15 + 0.5],
    "small": [*SMALL, 1.0, 2.0, 0.5, 0.25],
    "large": [*LARGE, 1.0, 2.0, 3.0, 4.0],
    "dates": [date(2018, 5, 3), date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2024, 2, 29)] * 2
    + [date(1999, 12, 31)],
    "datetimes": [datetime(2018, 5, 3, 12, 30, 0, 500000), datetime(2018, 5, 3), datetime(1900, 1, 1, 0, 0, 1)] * 3
    + [datetime(2000, 1, 1, 23, 59, 59), datetime(1999, 1, 1, 6)],
    "times": [time(12, 30), time(0, 0), time(23, 59, 59, 999000), time(0, 0, 0, 1000), time(6)] * 2 + [time(1)],
    "durations": ([Span(26 / 24), Span(0.5 / 24), Span(-1.5), Span(2), Span(1 / 86_400_000), Span(0)] * 2)[:11],
    "booleans": [True, False] * 5 + [True],
    "cached": [Cached(0.30000000000000004), Cached(29.020000000000003), Cached(120), Cached(-0.0), Cached(1e-7)] * 2
    + [Cached(0.1)],
    "cached_text": [Cached("text result"), Cached(" spaced "), Cached(True), Cached(False), Cached("")] * 2 + [None],
    "errors": [Cached(e) for e in ("#DIV/0!", "#N/A", "#NAME?", "#REF!", "#VALUE!", "#NUM!", "#NULL!")] + [1, 2, 3, 4],
    "blanks_in_numbers": [1, None, 2.5, None, 3, None, 1e-5, 4, None, 5, 6],
    "placeholders_in_numbers": [1, "n/a", 2, "NULL", "None", "nan", "NaN", "-nan", "#N/A", 3, "NA"],
    "text_in_numbers": [1, "1o0", 2.5, " 3 ", 0.30000000000000004, Cached(29.020000000000003), 1e-5, True, 4, "x", 5],
    "everything": [
        "text",
        7,
        0.1,
        date(2018, 5, 3),
        datetime(2018, 5, 3, 1, 2, 3),
        time(4, 5),
        True,
        None,
        Cached("#DIV/0!"),
        Cached(1e-7),
        "2018-05-03 00:00:00",
    ],
    "ragged": ["only", "two"] + [None] * 9,
    "empty": [None] * 11,
}
for _name, _values in COLUMNS.items():
    assert len(_values) == 11, _name


@pytest.mark.parametrize("name", list(COLUMNS))
def test_each_kind_of_column_reads_as_before(name: str) -> None:
    assert_read_as_before(book({"ID": [f"r{i}" for i in range(11)], name: COLUMNS[name]}))


def test_every_kind_together_after_a_leading_empty_row_and_column() -> None:
    assert_read_as_before(book(COLUMNS, row=1, column=1))


def test_the_1904_date_system() -> None:
    kinds = ("dates", "datetimes", "times", "durations", "everything")
    assert_read_as_before(book({k: COLUMNS[k] for k in kinds}, date_1904=True))
    assert_read_as_before(book({"ID": list("abcdefghijk"), "dates": COLUMNS["dates"]}, date_1904=True))


@pytest.mark.parametrize(
    "header",
    [
        ["a", None, "c"],  # a column with no header but values below
        ["a", "A", "c"],  # the same name in two cases
        ["a", "a", "a_1"],  # the same name twice, and the name the reader would rename the repeat to
        [2024, 1.5, 1e-5],  # numbers as names
        [date(2018, 5, 3), True, Cached("#N/A")],
        [" Spaced ", "", "__UNNAMED__1"],
    ],
)
def test_headers_that_are_not_plain_names(header: list[object]) -> None:
    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {name: out.add_format({"num_format": spec}) for name, spec in FORMATS.items()}
    ws = out.add_worksheet()
    for c, value in enumerate(header):
        _write(ws, formats, 0, c, value)
        _write(ws, formats, 1, c, c + 1)
    out.close()
    assert_read_as_before(buffer.getvalue())


def test_a_duration_among_other_kinds_reads_as_a_date_or_time() -> None:
    """The one cell read otherwise than before: only the typed read knows a duration format ([h]:mm) from a date
    format, and it types no column that mixes durations with other cells, so there a duration shows as a datetime
    (or, below one day, as a time of day). In a column of its own a duration reads as before."""
    data = book({"ID": ["a", "b"], "mixed": [Span(26 / 24), "text"], "alone": [Span(26 / 24), None]})
    assert read_xlsx(data).rows() == [("a", "1900-01-01T02:00:00", "1 day, 2:00:00"), ("b", "text", None)]
    assert previous_reader(data).rows() == [("a", "1 day, 2:00:00", "1 day, 2:00:00"), ("b", "text", None)]


def test_cells_written_by_hand() -> None:
    """Numbers as any writer may spell them, inline and formula strings, booleans and errors by their types."""
    cells = (
        '<row r="1">' + inline("A1", "subscriber") + inline("B1", "forecast") + inline("C1", "actual") + "</row>"
        '<row r="2">' + inline("A2", "ES-1") + number("B2", "1.0E+2") + number("C2", "0.30000000000000004") + "</row>"
        '<row r="3"><c r="A3" t="str"><v>ES-2</v></c>' + number("B3", "-0") + '<c r="C3" t="b"><v>1</v></c></row>'
        '<row r="4">' + inline("A4", "ES-3") + '<c r="B4" t="e"><v>#DIV/0!</v></c>' + number("C4", "1e-7") + "</row>"
        '<row r="6">' + inline("A6", " ES-4 ") + number("B6", "9007199254740993") + "</row>"
    )
    assert_read_as_before(workbook(sheet(cells)))


# Durations stay in columns of their own (see test_a_duration_among_other_kinds_reads_as_a_date_or_time).
POOL: list[object] = [v for values in COLUMNS.values() for v in values if not isinstance(v, Span) and v != Cached("")]


@pytest.mark.parametrize("seed", range(12))
def test_random_sheets(seed: int) -> None:
    """Columns drawn from one kind of cell, from a few, or from all (with gaps), as a sheet mixes them; now and
    then a header cell that is not a name."""
    rng = random.Random(seed)
    columns: list[tuple[object, Sequence[object]]] = []
    for c in range(rng.randint(1, 6)):
        pool = rng.choice([rng.choice(list(COLUMNS.values())), rng.sample(POOL, 3), POOL])
        if any(isinstance(v, Span) for v in pool):
            pool = [v for v in pool if v is None or isinstance(v, Span)]
        cells = [rng.choice(pool) if rng.random() > 0.1 * (seed % 3) else None for _ in range(rng.randint(1, 30))]
        columns.append((rng.choice(POOL) if rng.random() < 0.1 else f"col {c}", cells))
    height = max(len(v) for _, v in columns)
    columns = [(name, [*v, *[None] * (height - len(v))]) for name, v in columns]
    assert_read_as_before(book(columns, row=rng.randint(0, 2), column=rng.randint(0, 2)))


@pytest.mark.parametrize(
    ("columns", "reads"),
    [
        ({"user_id": ["U1", "U2"], "forecast": [100, 200], "actual": [90, 210], "when": [date(2024, 1, 1)] * 2}, 1),
        ({"user_id": ["U1", "U2"], "forecast": [100, None], "actual": [90, 210]}, 2),  # a gap: which kind?
        ({"user_id": ["U1", "U2"], "forecast": [100, "n/a"], "actual": [90, 210]}, 2),
        ({"user_id": ["U1", "U2"], "forecast": [100, "1o0"], "actual": [90, 210]}, 3),  # text and numbers
    ],
)
def test_how_many_times_the_sheet_is_read(
    monkeypatch: pytest.MonkeyPatch, columns: dict[str, list[object]], reads: int
) -> None:
    calls = []
    load = fastexcel.ExcelReader.load_sheet

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return load(self, *args, **kwargs)

    monkeypatch.setattr(fastexcel.ExcelReader, "load_sheet", counted)
    data = book(columns)
    assert_read_as_before(data)
    assert len(calls) == reads


def test_a_reader_panic_is_an_unreadable_file() -> None:
    """A date-formatted number beyond any calendar made the previous reader panic; now the file is refused."""
    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = out.add_worksheet()
    ws.write(0, 0, "when")
    ws.write_number(1, 0, -1e300, out.add_format({"num_format": FORMATS["date"]}))
    out.close()
    with pytest.raises(UnreadableFile) as caught:
        read_xlsx(buffer.getvalue())
    assert caught.value.reason == "not a readable XLSX workbook: TimeDelta::milliseconds out of bounds"
