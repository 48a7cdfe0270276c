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
