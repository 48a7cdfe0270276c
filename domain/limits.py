"""Shared limits: the defaults of the settings that bound what one upload may cost, and how long a text a client
may send in a mutation (enough for any real value, small enough that a row written from it — a comment, a name, an
audit entry naming IDs — stays small)."""

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

# A subject names an exception: (report type, period, rule, subject) is one entry of a B-tree index, which holds at
# most 2,704 bytes. A subject joins at most SUBJECT_PARTS values by '/', each at most MAX_SUBJECT_CHARS characters of
# up to 4 bytes in UTF-8: 2 × 300 × 4 + 4 = 2,404 bytes, with room for the rest of the entry. A longer value in a
# column that names the subject is a SCHEMA finding on its row, not a value the store is asked to hold.
MAX_SUBJECT_CHARS = 300
SUBJECT_PARTS = 2
MAX_INDEX_ENTRY_BYTES = 2704

MAX_ID_CHARS = 100  # a global ID is base64 of "Type:number": a few dozen characters
MAX_TEXT_CHARS = 500  # names, titles, codes, references, periods
MAX_LONG_TEXT_CHARS = 10_000  # prose: comments, notes, a highlight's body, an action's text
MAX_FILENAME_CHARS = 255  # what file systems allow
MAX_LIST_ITEMS = 100
# Fields whose text is prose, by their name in the schema's Python types.
LONG_TEXT_FIELDS = frozenset({"comment", "note", "text", "body", "reason", "outcome", "description"})


def text_limit(name: str) -> int:
    return MAX_LONG_TEXT_CHARS if name in LONG_TEXT_FIELDS else MAX_TEXT_CHARS


def too_long(name: str, value: str, limit: int) -> str | None:
    """The refusal for a text over its limit, naming the field; None within it."""
    if len(value) <= limit:
        return None
    return f"{name} is {len(value):,} characters long; the limit is {limit:,}"
