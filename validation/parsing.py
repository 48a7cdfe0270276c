"""Bytes to a polars DataFrame of strings: CSV, XLSX or JSON, detected from the bytes."""

# Row numbers are implicit: the data row at frame index i is row i + 1 (header excluded) in every format.
# Blank lines and empty spreadsheet rows are kept as all-null rows so that this numbering holds.
from __future__ import annotations

import csv
import io
import re

import polars as pl

from domain.formats import Format, detect_format
from validation.readers import read_json, read_xlsx
from validation.sheet import MAX_COLUMNS, UnreadableFile, normalise_frame, refuse_width

__all__ = ["Format", "UnreadableFile", "detect_format", "parse"]

_BLANK = re.compile(rb"(?:\xef\xbb\xbf)?\s*")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def parse(data: bytes, *, max_columns: int = MAX_COLUMNS) -> pl.DataFrame:
    """Parse a report file; every column is a stripped pl.String (empty -> null); raises UnreadableFile.

    A file with more than `max_columns` columns is refused before its columns are built."""
    if _BLANK.fullmatch(data):  # scans without copying a large file
        raise UnreadableFile("the file is empty")
    if data.startswith(_UTF16_BOMS):
        raise UnreadableFile(
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8 CSV, XLSX or JSON",
            line=1,
        )
    fmt = detect_format(data)
    if fmt == "xlsx":
        return read_xlsx(data, max_columns=max_columns)
    if fmt == "json":
        return read_json(_decode(data), max_columns=max_columns)
    _check_text(data)
    _check_header_width(data, max_columns)
    return _read_csv(data)


def _check_header_width(data: bytes, max_columns: int) -> None:
    """The header's field count, from its commas (cheap), confirmed by the csv module only when over the limit
    (quoted commas count too many)."""
    end = data.find(b"\n")
    end = len(data) if end < 0 else end
    if data.count(b",", 0, end) < max_columns:
        return
    line = data[:end].decode("utf-8", "replace").removeprefix("\ufeff")
    try:
        fields = len(next(csv.reader([line]), []))
    except csv.Error:
        fields = line.count(",") + 1
    refuse_width(fields, max_columns, "in the header row")


def _check_text(data: bytes) -> None:
    """NUL bytes refused before polars sees the file (one memchr, no copy)."""
    # polars itself refuses bytes that are not UTF-8, and _read_csv then names the byte and line (_decode).
    if data.find(b"\x00") >= 0:
        _decode(data)  # names what is wrong first: bytes that are not UTF-8, else the NUL


def _decode(data: bytes) -> str:
    """UTF-8 text without its BOM; undecodable bytes and NULs are named by line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableFile(
            f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded"
            " (save it as UTF-8 CSV, XLSX or JSON)",
            line=line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise UnreadableFile("the file contains NUL bytes: it looks binary, not text", line=line)
    return text.removeprefix("\ufeff")


def _read_csv(data: bytes) -> pl.DataFrame:
    """Comma-separated UTF-8 (polars drops a BOM) whose first row is the header."""
    try:
        # The header is read as data so that names come through exactly as written (no renaming).
        raw = pl.read_csv(data, has_header=False, infer_schema=False, separator=",", raise_if_empty=False)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, ValueError, OverflowError) as exc:
        raise _csv_diagnosis(_decode(data), exc) from None
    if raw.height == 0 or raw.width == 0:
        raise UnreadableFile("the file has no header row")
    return normalise_frame(raw.slice(1), raw.row(0))


def _csv_diagnosis(text: str, exc: BaseException) -> UnreadableFile:
    """Name the line that broke the CSV reader, using the csv module on this rare path only."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    width: int | None = None
    try:
        for fields in reader:
            if width is None:
                width = len(fields)
            elif len(fields) > width:
                return UnreadableFile(
                    f"a row has {len(fields)} fields but the header has {width}", line=reader.line_num
                )
    except csv.Error as err:
        return UnreadableFile(f"malformed CSV: {err}", line=reader.line_num)
    detail = str(exc).strip().splitlines()
    return UnreadableFile(f"malformed CSV: {detail[0] if detail else type(exc).__name__}")
