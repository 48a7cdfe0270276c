"""Structural checks of an XLSX workbook, made on the zip before the spreadsheet reader sees a single cell.

A workbook is a zip of XML parts. The spreadsheet reader sizes its grid from the sheet's cell references and
trusts the zip's declared sizes, so a file of a few hundred bytes can make it ask for hundreds of gigabytes. Here
the parts it will read are unpacked by the standard library (which stops at each member's declared size and checks
its CRC, so a member that lies about its size is refused), scanned as bytes (never expanded as XML), and the
first sheet's declared dimension and cell references are bounded first.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from domain.limits import MAX_XLSX_UNPACKED, MIB
from validation.sheet import UnreadableFile

# Excel's own grid; a reference beyond it is not a real cell.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_SHEETS = 1_000
MAX_MEMBERS = 100_000
# What the parts the reader opens may unpack to, together: the edge's zip check allows as much in all.
MAX_UNPACKED = MAX_XLSX_UNPACKED
_CHUNK = 4 * MIB

# Entities can only be declared inside a DOCTYPE; a part in UTF-16 is searched in its own encoding.
_DTD = b"<!DOCTYPE"
_DTD_UTF16 = ("<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RID = re.compile(rb"\s\w+:id=\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb"\s(Id|Target)=\"([^\"]*)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\sref=\"([^\"]*)\"")
_CELL_REF = re.compile(rb"\sr=\"([A-Za-z]+)([0-9]+)\"")
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_RANGE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?$")


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


def check_workbook(data: bytes, *, max_columns: int) -> None:
    """Refuse, with a reason a person understands, a workbook the reader must not be given."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # shares data's buffer
            _check(archive, max_columns=max_columns)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        struct.error,
        EOFError,
        NotImplementedError,
        ValueError,
        OSError,
    ) as exc:
        raise UnreadableFile(f"not a readable XLSX workbook: the zip is damaged ({_first_line(exc)})") from None


def _check(archive: zipfile.ZipFile, *, max_columns: int) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnreadableFile(f"the workbook holds {len(infos):,} parts; at most {MAX_MEMBERS:,} are accepted")
    names = {info.filename: info for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UnreadableFile(
            "the workbook contains macros (a VBA project): save it as a plain .xlsx workbook without macros"
        )
    if any(name.lower().startswith("xl/externallinks/") for name in names):
        raise UnreadableFile(
            "the workbook links to other workbooks (external links): its values would come from "
            "files that are not part of the report; save it with values only"
        )
    if "xl/workbook.xml" not in names:
        raise UnreadableFile("not an XLSX workbook: the zip has no xl/workbook.xml")
    sheet_path = _first_sheet(archive, names)
    budget = [MAX_UNPACKED]
    for name in names:
        # Every XML part the reader may open, except the sheets it will not (only the first sheet is read).
        if name.endswith((".xml", ".rels")) and (name == sheet_path or not name.startswith("xl/worksheets/")):
            _scan(archive, names[name], budget, extent=None)
    if sheet_path not in names:
        raise UnreadableFile(f"the workbook names {sheet_path} as its first sheet, but the zip has no such part")
    _check_dimension(archive, names[sheet_path], max_columns)
    extent = Extent()
    _scan(archive, names[sheet_path], budget, extent=extent)
    if extent.columns > max_columns:
        raise UnreadableFile(
            f"the first sheet has cells across {extent.columns:,} columns ({extent.name()}); at "
            f"most {max_columns:,} columns are read"
        )


def _first_sheet(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str:
    workbook = _small_part(archive, names["xl/workbook.xml"])
    sheets = _SHEET.findall(workbook)
    if not sheets:
        raise UnreadableFile("the workbook has no sheets")
    if len(sheets) > MAX_SHEETS:
        raise UnreadableFile(
            f"the workbook has {len(sheets):,} sheets; a report has one (at most {MAX_SHEETS:,} are accepted)"
        )
    rid = _RID.search(sheets[0])
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rid is None or rels is None:
        raise UnreadableFile("the workbook does not say where its first sheet is")
    for relationship in _RELATIONSHIP.findall(_small_part(archive, rels)):
        attrs = dict(_ATTR.findall(relationship))
        if attrs.get(b"Id") == rid.group(1):
            target: str = attrs.get(b"Target", b"").decode("utf-8", "replace")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target.removeprefix("./")
    raise UnreadableFile("the workbook does not say where its first sheet is")


def _small_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part read whole (workbook.xml and its relationships: metadata, never cells), checked for a DTD first."""
    if info.file_size > 64 * 1024 * 1024:
        raise UnreadableFile(f"the workbook's part {info.filename} is {info.file_size:,} bytes: too large to be real")
    body = archive.read(info)
    _refuse_dtd(body, info.filename, utf16=_utf16(body))
    return body


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_columns: int) -> None:
    """The sheet's own claim of its size, in the part's first bytes, before any cell is looked at."""
    with archive.open(info) as part:
        head = part.read(64 * 1024)
    found = _DIMENSION.search(head)
    if found is None:
        return
    ref = found.group(1).decode("ascii", "replace")
    parts = _RANGE.match(ref)
    if parts is None:
        raise UnreadableFile(f"the first sheet declares a dimension that is not a cell range: {ref!r}")
    extent = Extent()
    first_col, first_row, last_col, last_row = parts.groups()
    extent.add(int(first_row), column_index(first_col))
    extent.add(int(last_row or first_row), column_index(last_col or first_col))
    _within_grid(extent, "declares")
    if extent.columns > max_columns:
        raise UnreadableFile(
            f"the first sheet declares {extent.columns:,} columns ({ref}); at most {max_columns:,} columns are read"
        )


def _within_grid(extent: Extent, verb: str) -> None:
    if extent.last_row > EXCEL_ROWS or extent.last_column > EXCEL_COLUMNS or not extent.first_row:
        raise UnreadableFile(
            f"the first sheet {verb} cells outside a spreadsheet's grid ({extent.name()}; the "
            f"grid ends at XFD{EXCEL_ROWS})"
        )


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], *, extent: Extent | None) -> None:
    """Unpack one part in chunks (bounded), refuse a DTD anywhere in it, and gather the cells' extent."""
    tail = b""
    unusual: re.Pattern[bytes] | None = None
    utf16: bool | None = None
    with archive.open(info) as part:
        for chunk in _chunks(part, info, budget):
            text = tail + chunk
            utf16 = _utf16(text) if utf16 is None else utf16
            _refuse_dtd(text, info.filename, utf16=utf16)
            # A tag cut by the chunk's end is scanned with the next chunk.
            cut = text.rfind(b"<")
            whole, tail = (text[:cut], text[cut:]) if cut >= 0 and len(text) - cut < 1024 else (text, b"")
            if extent is not None:
                unusual = unusual or _unusual_cells(whole)
                _gather(whole, extent, unusual)
    if extent is not None and tail:
        _gather(tail, extent, unusual or _unusual_cells(tail))


def _unusual_cells(head: bytes) -> re.Pattern[bytes]:
    """Cells worth a closer look, for the sheet's namespace prefix (`<c>` or `<x:c>`): a reference of two or more
    letters or seven or more digits, or a cell whose reference is not its first attribute. A report of a few
    columns has none, so one fast pass over the part finds nothing and nothing more is done."""
    found = _ROOT.search(head)
    prefix = found.group(1) if found and found.group(1) else b""
    tag = re.escape(b"<" + prefix + b"c")
    return re.compile(tag + rb'(?: r="(?:[A-Za-z]{2}|[A-Za-z][0-9]{7})|[\s/>](?!r="))')


def _gather(text: bytes, extent: Extent, unusual: re.Pattern[bytes]) -> None:
    first = _CELL_REF.search(text)
    if first is None:
        return
    extent.add(int(first.group(2)), column_index(first.group(1).decode("ascii")))
    for match in unusual.finditer(text):
        end = text.find(b">", match.start())
        ref = _CELL_REF.search(text, match.start(), end if end >= 0 else len(text))
        if ref is not None:
            extent.add(int(ref.group(2)), column_index(ref.group(1).decode("ascii")))
    _within_grid(extent, "has")


def _chunks(part: IO[bytes], info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
    while chunk := part.read(_CHUNK):
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise UnreadableFile(
                f"the workbook unpacks to more than {MAX_UNPACKED:,} bytes (at {info.filename}); refused as a zip bomb"
            )
        yield chunk


def _refuse_dtd(text: bytes, part: str, *, utf16: bool = False) -> None:
    if _DTD in text or (utf16 and any(marker in text for marker in _DTD_UTF16)):
        raise UnreadableFile(
            f"the workbook's part {part} declares a DTD or entities (<!DOCTYPE>), which XLSX "
            "files never do: refused rather than expanded"
        )


def _utf16(head: bytes) -> bool:
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
