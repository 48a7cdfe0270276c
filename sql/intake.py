"""What the edge checks before anything is stored: format by magic bytes, declared type, XLSX zip limits.

Pure standard library, shared by the REST route and the uploadReport mutation.
"""

from __future__ import annotations

import io
import re
import zipfile

from sql.errors import InvalidPeriod, StoreError

# Unpacked XLSX beyond these is refused as a zip bomb (PAYLOAD_TOO_LARGE).
MAX_XLSX_UNPACKED = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 200
PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")

_DECLARED = {
    "text/csv": "csv", "application/csv": "csv", "text/plain": "csv",
    "application/json": "json", "text/json": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx", "application/zip": "xlsx",
}


class PayloadTooLarge(StoreError):
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(StoreError):
    code = "UNSUPPORTED_MEDIA_TYPE"


def sniff(head: bytes) -> str:
    """xlsx (a zip), json (starts with [ or { after white space and an optional BOM), else csv."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def check_declared(content_type: str | None, detected: str) -> None:
    """Refuse only where a declared type contradicts the bytes; generic or absent types are hints."""
    declared = _DECLARED.get((content_type or "").split(";")[0].strip().lower())
    if declared is None or declared == detected:
        return
    if declared == "csv" and detected == "json":
        return  # a JSON array is valid text; the declared CSV is the hint that loses
    raise UnsupportedMediaType(f"the body is {detected.upper()} but was declared as {content_type}",
                               field="Content-Type")


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
            f"{MAX_XLSX_UNPACKED:,} bytes and {MAX_XLSX_RATIO}×", field="file")


def check_period(period: str, cadence: str) -> str:
    m = PERIOD.match(period.strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise InvalidPeriod(f"{period!r} is not a period: use YYYY-MM, or YYYY-Qn for quarterly reports",
                            field="period")
    if cadence == "QUARTERLY" and m.group(3) is None:
        raise InvalidPeriod(f"this report is quarterly: the period is YYYY-Qn, not {period!r}", field="period")
    if cadence == "MONTHLY" and m.group(2) is None:
        raise InvalidPeriod(f"this report is monthly: the period is YYYY-MM, not {period!r}", field="period")
    return period.strip()
