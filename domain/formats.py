"""A report file's format, from its bytes; the declared type is a hint that may only contradict them."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal

from domain.errors import PayloadTooLarge, UnsupportedMediaType
from domain.limits import MAX_XLSX_RATIO, MAX_XLSX_UNPACKED

Format = Literal["csv", "json", "xlsx"]
ZIP_MAGIC = b"PK\x03\x04"
BOM = b"\xef\xbb\xbf"
# The first byte that bytes.lstrip() would keep, found without copying a large file.
_FIRST_NON_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")

_DECLARED: dict[str, Format] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/plain": "csv",
    "application/json": "json",
    "text/json": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/zip": "xlsx",
}


def detect_format(data: bytes) -> Format:
    """XLSX for a zip, JSON when the first non-blank byte (after an optional BOM) is [ or {, CSV for anything else."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    first = _FIRST_NON_BLANK.search(data, len(BOM) if data.startswith(BOM) else 0)
    if first is not None and first.group() in (b"[", b"{"):
        return "json"
    return "csv"


def check_declared(content_type: str | None, detected: Format) -> None:
    """Refuse only where a declared type contradicts the bytes; generic or absent types are hints."""
    declared = _DECLARED.get((content_type or "").split(";")[0].strip().lower())
    if declared is None or declared == detected:
        return
    if declared == "csv" and detected == "json":
        return  # a JSON array is valid text; the declared CSV is the hint that loses
    raise UnsupportedMediaType(
        f"the body is {detected.upper()} but was declared as {content_type}", field="Content-Type"
    )


def check_xlsx(content: bytes) -> None:
    """Refuse zip bombs from the central directory alone (nothing is unpacked here)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return  # unreadable: stored, then REJECTED by the worker with a finding that says why
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_XLSX_UNPACKED or unpacked / packed > MAX_XLSX_RATIO:
        raise PayloadTooLarge(
            f"the XLSX would unpack to {unpacked:,} bytes ({unpacked / packed:.0f}× its size); the limits are "
            f"{MAX_XLSX_UNPACKED:,} bytes and {MAX_XLSX_RATIO}×",
            field="file",
        )


def admit(content: bytes, content_type: str | None) -> Format:
    """The edge's cheap checks on an upload's bytes: its format, not contradicted by the declared type, and for
    XLSX no zip bomb. Anything that needs parsing is the worker's."""
    fmt = detect_format(content)
    check_declared(content_type, fmt)
    if fmt == "xlsx":
        check_xlsx(content)
    return fmt
