"""Structural checks made before any cell is read: column limits in every format, the sheet's dimension and cell
references however they are written."""

from __future__ import annotations

import json

import pytest

from tests.support.hostile import (
    CSR,
    commented_sheet,
    csr_rows,
    inline,
    number,
    prefixed_cell,
    sheet,
    workbook,
)
from validation.parsing import parse
from validation.sheet import UnreadableFile


def refused(data: bytes, max_columns: int = 3) -> str:
    with pytest.raises(UnreadableFile) as caught:
        parse(data, max_columns=max_columns)
    return caught.value.reason


def test_every_format_refuses_more_columns_than_allowed_and_reads_up_to_the_limit() -> None:
    wide_csv = b"a,b,c,d\n1,2,3,4\n"
    wide_json = json.dumps([{"a": 1, "b": 2}, {"c": 3, "d": 4}]).encode()
    wide_xlsx = workbook(sheet(csr_rows(("ES-1", "1", "2")) + '<row r="3">' + number("D3", "5") + "</row>"))
    assert refused(wide_csv) == "the file has 4 columns (in the header row); at most 3 columns are read"
    assert refused(wide_json) == (
        "the file has more than 3 columns (distinct keys in the JSON objects up to item 2); at most 3 columns are read"
    )
    # Every cell's position is read before the reader sees the file.
    assert refused(wide_xlsx) == "the first sheet has cells across 4 columns (A1:D3); at most 3 columns are read"
    assert parse(wide_csv, max_columns=4).width == 4
    assert parse(b'x,"a,b,c,d"\n1,2\n', max_columns=2).columns == ["x", "a,b,c,d"]  # quoted commas are one field


@pytest.mark.parametrize(
    "cell",
    [
        '<c s="0" r="XFD7"><v>1</v></c>',  # the reference is not the first attribute
        '<c r="XFD7" s="0"><v>1</v></c>',
    ],
)
def test_cell_references_are_found_however_the_tag_is_written(cell: str) -> None:
    data = workbook(sheet(csr_rows(("ES-1", "1", "2")) + f'<row r="7">{cell}</row>'))
    assert (
        refused(data, 200) == "the first sheet has cells across 16,384 columns (A1:XFD7); at most 200 columns are read"
    )


def test_a_prefixed_sheet_is_checked_too() -> None:
    cells = inline("A1", "subscriber").replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    far = number("ZZ1", "1").replace("<c ", "<x:c ").replace("</c>", "</x:c>")
    xml = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<x:sheetData><x:row r="1">{cells}{far}</x:row></x:sheetData></x:worksheet>'
    )
    assert (
        refused(workbook(xml), 200)
        == "the first sheet has cells across 702 columns (A1:ZZ1); at most 200 columns are read"
    )


def test_a_reference_beyond_the_grid_is_refused() -> None:
    data = workbook(sheet(csr_rows(("ES-1", "1", "2")) + '<row r="9999999">' + number("A9999999", "1") + "</row>"))
    assert refused(data, 200).startswith("the first sheet has cells outside a spreadsheet's grid")


def test_an_ordinary_workbook_is_read() -> None:
    frame = parse(workbook(sheet(csr_rows(("ES-1", "100", "90")))))
    assert frame.columns == CSR.split(",") and frame.row(0) == ("ES-1", "100", "90")


def test_a_commented_sheet_before_the_sheets_does_not_change_which_sheet_is_checked() -> None:
    """A comment is not an element: the reader loads the first real <sheet>, so that is the sheet checked."""
    assert refused(commented_sheet(), 200) == (
        "the first sheet has cells across 16,384 columns (A1:XFD1048576); at most 200 columns are read"
    )


def test_a_cell_under_another_prefix_is_a_cell() -> None:
    """Matched by local name, as the reader matches it: `<y:c>` bound to the main namespace in place."""
    assert refused(prefixed_cell(), 200) == (
        "the first sheet has cells across 16,384 columns (A1:XFD1048576); at most 200 columns are read"
    )


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("<c r='XFD2'><v>1</v></c>", "cells across 16,384 columns (A1:XFD2)"),  # single quotes
        ('<c r = "XFD2"><v>1</v></c>', "cells across 16,384 columns (A1:XFD2)"),  # spaces around =
        ('<c r="A1:B2"><v>1</v></c>', "has a cell reference that is not a cell: 'A1:B2'"),
        ('<c r="A0"><v>1</v></c>', "has a cell reference that is not a cell: 'A0'"),
    ],
)
def test_cell_references_are_read_as_xml_reads_them(cell: str, says: str) -> None:
    data = workbook(sheet(csr_rows(("ES-1", "1", "2")) + f'<row r="2">{cell}</row>'))
    assert says in refused(data, 200)


def test_cells_without_references_take_their_place_as_the_reader_gives_it() -> None:
    """No `r`: the next column of the row, and a row without a number is the next row."""
    cells = "".join("<c><v>1</v></c>" for _ in range(201))
    data = workbook(sheet(csr_rows(("ES-1", "1", "2")) + f"<row>{cells}</row>"))
    assert refused(data, 200) == "the first sheet has cells across 201 columns (A1:GS3); at most 200 columns are read"


def test_a_part_that_is_not_xml_is_named() -> None:
    data = workbook(sheet(csr_rows(("ES-1", "1", "2"))).replace("</sheetData>", "<sheetData>"))
    assert refused(data, 200).startswith("the workbook's part xl/worksheets/sheet1.xml is not well-formed XML:")
