"""Structural checks of an XLSX workbook, made on the zip before the spreadsheet reader sees a single cell.

A workbook is a zip of XML parts. The spreadsheet reader sizes its grid from the sheet's cell references and
trusts the zip's declared sizes, so a file of a few hundred bytes can make it ask for hundreds of gigabytes. Here
the parts it will read are unpacked by the standard library (which stops at each member's declared size and checks
its CRC, so a member that lies about its size is refused) and read with a real XML parser (expat, streaming, with
any DTD refused before it is read: no entity is ever declared, so none is expanded). The first sheet is found as
the reader finds it: the package's relationships name the workbook, the workbook's first `<sheet>` (comments are
not elements) names a relationship, and its target is the sheet. Elements and attributes are matched by local name
whatever their prefix, as the reader matches them; the sheet's declared dimension and every cell's position are
bounded before the reader is given the file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.parsers import expat

from domain.limits import MAX_XLSX_UNPACKED, MIB
from validation.sheet import UnreadableFile
from validation.workbook_cells import SheetCells

MAX_SHEETS = 1_000
MAX_MEMBERS = 100_000
# What the parts the reader opens may unpack to, together: the edge's zip check allows as much in all.
MAX_UNPACKED = MAX_XLSX_UNPACKED
_CHUNK = 4 * MIB
_WORKBOOK = "xl/workbook.xml"


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


def uses_1904_dates(data: bytes) -> bool:
    """The workbook's date system, as the reader reads it: its <workbookPr date1904> (check_workbook has vetted the
    part; a comment that looks like one is not one)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found, _ = _elements(archive, archive.getinfo(_WORKBOOK), [MAX_UNPACKED], "workbookPr", lambda _: True)
    return (found or {}).get("date1904") in ("1", "true")


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
    budget = [MAX_UNPACKED]
    _check_main_part(archive, names, budget)
    if _WORKBOOK not in names:
        raise UnreadableFile("not an XLSX workbook: the zip has no xl/workbook.xml")
    sheet_path = _first_sheet(archive, names, budget)
    if sheet_path not in names:
        raise UnreadableFile(f"the workbook names {sheet_path} as its first sheet, but the zip has no such part")
    for name, info in names.items():
        # Every other XML part the reader may open (not the sheets it will not: only the first sheet is read).
        if name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/") and name not in _READ:
            _parse(archive, info, budget, {})
    sheet = SheetCells(max_columns)
    _parse(archive, names[sheet_path], budget, {}, sheet=sheet)
    sheet.check()


# Parts read whole by _check_main_part and _first_sheet, not again in the loop over the others.
_READ = frozenset({"_rels/.rels", _WORKBOOK, "xl/_rels/workbook.xml.rels"})


def _local(name: str) -> str:
    """An element's or attribute's local name: `x:c` and `c` alike, as the reader matches them."""
    return name.rpartition(":")[2]


def _attribute(attrs: dict[str, str], local: str) -> str | None:
    for key, value in attrs.items():
        if _local(key) == local:
            return value
    return None


def _elements(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: list[int],
    local: str,
    wanted: Callable[[dict[str, str]], bool],
) -> tuple[dict[str, str] | None, int]:
    """In a small part (metadata, never cells): the attributes of the first element of this local name that is
    wanted, and how many elements of that name there are."""
    first: list[dict[str, str]] = []
    count = [0]

    def collect(attrs: dict[str, str]) -> None:
        count[0] += 1
        if not first and wanted(attrs):
            first.append(attrs)

    _parse(archive, info, budget, {local: collect})
    return (first[0] if first else None), count[0]


def _check_main_part(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], budget: list[int]) -> None:
    """The package's relationships must name xl/workbook.xml as the workbook, where the reader looks for it."""
    rels = names.get("_rels/.rels")
    if rels is None:
        return
    main, _ = _elements(
        archive, rels, budget, "Relationship", lambda a: a.get("Type", "").endswith("/relationships/officeDocument")
    )
    target = (main or {}).get("Target", _WORKBOOK).lstrip("/")
    if target != _WORKBOOK:
        raise UnreadableFile(
            f"the workbook's main part is {target[:100]!r}, not {_WORKBOOK}: save it again from a spreadsheet program"
        )


def _first_sheet(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], budget: list[int]) -> str:
    """The part the reader loads as the first sheet: the workbook's first <sheet>, through its relationship."""
    first, count = _elements(archive, names[_WORKBOOK], budget, "sheet", lambda _: True)
    if first is None:
        raise UnreadableFile("the workbook has no sheets")
    if count > MAX_SHEETS:
        raise UnreadableFile(
            f"the workbook has {count:,} sheets; a report has one (at most {MAX_SHEETS:,} are accepted)"
        )
    rid = _attribute(first, "id")
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rid is None or rels is None:
        raise UnreadableFile("the workbook does not say where its first sheet is")
    found, _ = _elements(archive, rels, budget, "Relationship", lambda a: a.get("Id") == rid)
    if found is None:
        raise UnreadableFile(
            f"the workbook's first sheet names relationship {rid[:100]!r}, which xl/_rels/workbook.xml.rels lacks"
        )
    target = found.get("Target", "")
    return target[1:] if target.startswith("/") else "xl/" + target


Handler = Callable[[dict[str, str]], None]


def _parse(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: list[int],
    handlers: dict[str, Handler],
    *,
    sheet: SheetCells | None = None,
) -> None:
    """Parse one part as it unpacks, chunk by chunk (bounded), calling a handler for each element whose local name
    it names (or, for the first sheet, noting its rows and cells, weighed after each chunk); a DTD is refused before
    anything in it is read."""
    parser = expat.ParserCreate()  # no namespace processing: names as written, matched by local name
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_dtd(*_: Any) -> None:
        raise UnreadableFile(
            f"the workbook's part {info.filename} declares a DTD or entities (<!DOCTYPE>), which XLSX "
            "files never do: refused rather than expanded"
        )

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    if sheet is not None:
        parser.StartElementHandler = sheet.handler()
    elif handlers:

        def start(name: str, attrs: dict[str, str]) -> None:
            handler = handlers.get(name.rpartition(":")[2])
            if handler is not None:
                handler(attrs)

        parser.StartElementHandler = start
    try:
        with archive.open(info) as part:
            for chunk in _chunks(part, info, budget):
                parser.Parse(chunk, False)
                if sheet is not None:
                    sheet.weigh()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"the workbook's part {info.filename} is not well-formed XML: {expat.ErrorString(exc.code)} "
            f"(line {exc.lineno}, column {exc.offset})"
        ) from None
    if sheet is not None:
        sheet.weigh()


def _chunks(part: IO[bytes], info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
    while chunk := part.read(_CHUNK):
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise UnreadableFile(
                f"the workbook unpacks to more than {MAX_UNPACKED:,} bytes (at {info.filename}); refused as a zip bomb"
            )
        yield chunk


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
