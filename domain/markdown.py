"""Text made safe for Markdown while still reading as text: only what Markdown would read as markup is escaped.

Escaped anywhere: backslash, backtick, `*`, `[`, `]`, `<`, `>`, `#`, `|`, `!`, `~`, `&`, and `_` at a word's edge
(emphasis, code, links, images, HTML and entities, headings, table cells, strikethrough). Escaped at the start of
the text only: what opens a list item or a block (`-`, `+`, `=`, `1.`, `1)`). Commas, full stops, percent signs,
brackets and the rest stay as written, so the file reads `873,383` and `157.7%`. Renderers that link bare
addresses ("https://", "www.", "name@host") get an invisible word joiner inside each, so nothing typed can become
a link.
"""

from __future__ import annotations

import re

_INLINE = str.maketrans({c: "\\" + c for c in "\\`*[]<>#|!~&"})
# An underscore between letters or digits (SECP_59_1008) opens no emphasis; one at a word's edge may.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_BLOCK_START = re.compile(r"^([-+=])|^(\d+)([.)])")
_JOINER = "\u2060"
_BARE_LINKS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def md(text: str, *, line_start: bool = True) -> str:
    """Text for a Markdown table cell or paragraph: one line, markup escaped, bare addresses broken. With
    line_start=False (text after a heading's or a list item's marker) a leading "1." or "-" is no markup."""
    line = _UNDERSCORE.sub(r"\\_", " ".join(text.split()).translate(_INLINE))
    if line_start:
        line = _BLOCK_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], line)
    return _BARE_LINKS.sub(_JOINER, line)


def md_cell(text: str) -> str:
    """A cell: each line escaped, lines separated by <br> (ours, not the text's)."""
    return "<br>".join(md(part) for part in text.splitlines() if part.strip()) or md(text)
