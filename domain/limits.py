"""Shared limits: the defaults of the settings that bound what one upload may cost."""

from __future__ import annotations

MIB = 1024 * 1024
GIB = 1024 * MIB
# An upload body beyond this is refused while streaming (413).
MAX_UPLOAD_BYTES = 256 * MIB
# A file with more data rows is REJECTED with a finding.
MAX_ROWS = 10_000_000
# An XLSX whose central directory claims more than this unpacked, or this ratio to its packed size, is a zip bomb.
MAX_XLSX_UNPACKED = GIB
MAX_XLSX_RATIO = 200
