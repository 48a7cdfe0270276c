"""Where the first sheet's cells are, as the spreadsheet reader will place them, before it sees the file.

The XML parser calls `SheetCells.handler()` for every element of the sheet. A row or a cell costs one append there
(a per-cell Python function is what made the scan slow); after each chunk of the part, `weigh` reads the references
gathered, all at once, as polars columns. A cell without a reference is the next column of its row and a row without
a number the next row, as the reader has it: a chunk with any of those is walked one element at a time instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from validation.sheet import UnreadableFile

# Excel's own grid; a reference beyond it is not a real cell.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_DIGITS = "0123456789"
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# A row is noted as its number after this mark, a cell as its reference ("" when it has none).
_ROW = "\n"
_CELL = r"^([A-Za-z]{1,3})([0-9]{1,7})$"
_NOT_A_CELL = "has a cell reference that is not a cell"


@dataclass
class Extent:
    """The bounding box of a sheet's cells (1-based, inclusive), as the reader will size its grid."""

    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1 if self.last_row else 0

    @property
    def columns(self) -> int:
        return self.last_column - self.first_column + 1 if self.last_column else 0

    def add(self, row: int, column: int) -> None:
        self.first_row = min(self.first_row or row, row)
        self.last_row = max(self.last_row, row)
        self.first_column = min(self.first_column or column, column)
        self.last_column = max(self.last_column, column)

    def name(self) -> str:
        return f"{column_name(self.first_column)}{self.first_row}:{column_name(self.last_column)}{self.last_row}"

    def within_grid(self, verb: str) -> None:
        if self.last_row > EXCEL_ROWS or self.last_column > EXCEL_COLUMNS:
            raise UnreadableFile(
                f"the first sheet {verb} cells outside a spreadsheet's grid ({self.name()}; the "
                f"grid ends at XFD{EXCEL_ROWS})"
            )


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def column_name(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class SheetCells:
    """The first sheet's declared dimension and the box its cells fill."""

    def __init__(self, max_columns: int) -> None:
        self.max_columns = max_columns
        self.extent = Extent()
        self.noted: list[str] = []
        self.row_number = 1  # the row a cell without a reference is in
        self.next_row = 1  # the number a row without one takes
        self.column = 1  # the column a cell without a reference is in

    def handler(self) -> Callable[[str, dict[str, str]], None]:
        """The parser's handler: elements matched by local name, whatever their prefix. It runs for every element of
        the sheet, so it does as little as it can: the common names first, the list's append bound once."""
        note = self.noted.append
        dimension = self.dimension

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == "c":
                note(attrs.get("r", ""))
            elif name == "v":
                return
            elif name == "row":
                note(_ROW + attrs.get("r", ""))
            elif name[-2:] == ":c":
                note(attrs.get("r", ""))
            elif name[-4:] == ":row":
                note(_ROW + attrs.get("r", ""))
            elif name == "dimension" or name[-10:] == ":dimension":
                dimension(attrs.get("ref"))

        return start

    def dimension(self, ref: str | None) -> None:
        """The sheet's own claim of its size, refused when it is beyond the grid or the columns read."""
        if ref is None:
            return
        declared = Extent()
        first, _, last = ref.partition(":")
        for corner in (first, last or first):
            declared.add(*position(corner, "declares a dimension that is not a cell range"))
        declared.within_grid("declares")
        if declared.columns > self.max_columns:
            raise UnreadableFile(
                f"the first sheet declares {declared.columns:,} columns ({ref}); at most "
                f"{self.max_columns:,} columns are read"
            )

    def weigh(self) -> None:
        """Place the rows and cells noted since the last chunk."""
        noted = self.noted[:]
        self.noted.clear()  # the same list: the handler appends to it
        if not noted:
            return
        notes = pl.Series("noted", noted, dtype=pl.String)
        if (notes == "").any() or (notes == _ROW).any():
            self._walk(noted)
        else:
            self._at_once(notes, noted)
        self.extent.within_grid("has")

    def check(self) -> None:
        """After the last chunk: the box is within the columns read."""
        extent = self.extent
        if extent.columns > self.max_columns:
            raise UnreadableFile(
                f"the first sheet has cells across {extent.columns:,} columns ({extent.name()}); at "
                f"most {self.max_columns:,} columns are read"
            )

    def _at_once(self, notes: pl.Series, noted: list[str]) -> None:
        """Every row numbered and every cell referenced: the box from the references, as columns."""
        is_row = notes.str.starts_with(_ROW)
        rows = notes.filter(is_row).str.slice(1)
        if rows.len() and not rows.str.contains(r"^[0-9]{1,7}$").all():
            bad = rows.filter(~rows.str.contains(r"^[0-9]{1,7}$"))[0]
            raise UnreadableFile(f"the first sheet has a row number that is not a number: {bad[:20]!r}")
        cells = notes.filter(~is_row)
        if cells.len():
            parts = cells.str.extract_groups(_CELL).struct.unnest()
            letters, digits = parts.get_column("1"), parts.get_column("2")
            if letters.null_count():
                position(cells.filter(letters.is_null())[0], _NOT_A_CELL)  # raises, naming it
            numbers = digits.cast(pl.Int64)
            if numbers.min() == 0:
                position(cells.filter(numbers == 0)[0], _NOT_A_CELL)
            indexes = {text: column_index(text) for text in letters.unique().to_list()}
            columns = letters.replace_strict(indexes, return_dtype=pl.Int64)
            self.extent.add(int(numbers.min()), int(columns.min()))  # type: ignore[arg-type]
            self.extent.add(int(numbers.max()), int(columns.max()))  # type: ignore[arg-type]
        # Where a later cell without a reference would go: after the last row's last cell.
        for back, note in enumerate(reversed(noted)):
            if note.startswith(_ROW):
                self.row_number, self.column = int(note[1:]), 1
                self.next_row = self.row_number + 1
                after = noted[len(noted) - back :]
                if after:
                    self.column = position(after[-1], _NOT_A_CELL)[1] + 1
                return
        self.column = position(noted[-1], _NOT_A_CELL)[1] + 1

    def _walk(self, noted: list[str]) -> None:
        """One element at a time, as the reader places cells without references."""
        extent = self.extent
        for note in noted:
            if note.startswith(_ROW):
                number = note[1:]
                if number and (not number.isdigit() or not number.isascii() or len(number) > 7 or int(number) < 1):
                    raise UnreadableFile(f"the first sheet has a row number that is not a number: {number[:20]!r}")
                self.row_number = int(number) if number else self.next_row
                self.next_row = self.row_number + 1
                self.column = 1
                continue
            row, column = position(note, _NOT_A_CELL) if note else (self.row_number, self.column)
            self.column = column + 1
            extent.add(row, column)


def position(ref: str, problem: str) -> tuple[int, int]:
    """(row, column) of a reference such as XFD7, or a refusal naming it."""
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters) :]
    if (
        not letters
        or len(letters) > 3
        or not _LETTERS.issuperset(letters)
        or not digits
        or len(digits) > 7
        or not digits.isascii()
        or int(digits) < 1
    ):
        raise UnreadableFile(f"the first sheet {problem}: {ref[:20]!r}")
    return int(digits), column_index(letters)
