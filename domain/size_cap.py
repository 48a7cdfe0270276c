"""A size cap on bytes that stream in: refused from the declared length, or as soon as the count passes the cap.

One rule for every streamed body: the edge's caps on requests, the REST upload's body and an uploaded file.
"""

from __future__ import annotations

from collections.abc import AsyncIterable

from domain.errors import PayloadTooLarge


class SizeCap:
    """Counts bytes as they arrive and refuses (PayloadTooLarge) once they pass `limit`."""

    def __init__(self, limit: int, *, what: str = "body", field: str | None = None) -> None:
        self.limit = limit
        self.what = what
        self.field = field
        self.size = 0

    def declared(self, length: str | None) -> None:
        """Refuse up front a declared length (a Content-Length header) past the cap."""
        if length and length.isdigit() and int(length) > self.limit:
            message = f"the {self.what} declares {int(length):,} bytes; the limit is {self.limit:,}"
            raise PayloadTooLarge(message, field=self.field)

    def count(self, chunk: bytes) -> bytes:
        """The chunk, once counted; refused when the bytes so far pass the cap."""
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(f"the {self.what} is larger than the limit of {self.limit:,} bytes", field=self.field)
        return chunk


async def read_capped(chunks: AsyncIterable[bytes], cap: SizeCap) -> bytes:
    """All the chunks joined, refused as soon as they pass the cap (nothing past it is kept)."""
    return b"".join([cap.count(chunk) async for chunk in chunks])
