"""Frames to PostgreSQL's binary COPY format, encoded from their Arrow memory one batch at a time.

A run can store a million parsed rows and half a million findings. Written as CSV they were text built in the
worker and parsed again by the server; in the binary format each value goes as PostgreSQL holds it, and the
encoding works through the frame's columns (no Python object per row) while the server reads earlier batches.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder
from pgpq.encoders import LargeStringEncoderBuilder, StringEncoderBuilder, StringViewEncoderBuilder
from pgpq.schema import Jsonb

if TYPE_CHECKING:
    from pgpq._pgpq import EncoderBuilder  # a name of the type stubs only

# The binary format carries each type exactly: these columns are `integer` and `jsonb` in every table written
# this way (the others are bigint, double precision, date or text, as polars' Int64, Float64, Date and String map).
INTEGER_COLUMNS = frozenset({"row"})
JSONB_COLUMNS = frozenset({"details"})
BATCH_ROWS = 65_536


def encoded(frame: pl.DataFrame, batch_rows: int = BATCH_ROWS) -> Iterator[bytes]:
    """The frame as one binary COPY stream, in its column order: header, a chunk per batch, trailer."""
    frame = frame.with_columns(pl.col(c).cast(pl.Int32) for c in INTEGER_COLUMNS if c in frame.columns)
    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    encoder = ArrowToPostgresBinaryEncoder.new_with_encoders(
        table.schema, {field.name: _encoder(field) for field in table.schema}
    )
    yield encoder.write_header()
    for batch in table.to_batches(max_chunksize=batch_rows):
        yield encoder.write_batch(batch)
    yield encoder.finish()


def _encoder(field: pa.Field) -> EncoderBuilder:
    if field.name not in JSONB_COLUMNS:
        return ArrowToPostgresBinaryEncoder.infer_encoder(field)
    if pa.types.is_string_view(field.type):
        return StringViewEncoderBuilder.new_with_output(field, Jsonb())
    if pa.types.is_large_string(field.type):
        return LargeStringEncoderBuilder.new_with_output(field, Jsonb())
    return StringEncoderBuilder.new_with_output(field, Jsonb())


async def inline(frame: pl.DataFrame, batch_rows: int = BATCH_ROWS) -> AsyncIterator[bytes]:
    """`encoded` as the source of an asyncpg COPY, encoded on the event loop (the benchmarks' floors)."""
    for chunk in encoded(frame, batch_rows):
        yield chunk


async def stream(frame: pl.DataFrame, batch_rows: int = BATCH_ROWS) -> AsyncIterator[bytes]:
    """`encoded` as the source of an asyncpg COPY, each batch encoded off the event loop."""
    chunks = encoded(frame, batch_rows)
    while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
        yield chunk
