"""Accept an upload: the one use case behind the REST route, the uploadReport mutation and the demo's delivery.

The door parses its request and hands in how to read the file; this checks the uploader and reads the report type
once, reads the file only after those cheap checks (refused as soon as it passes the size cap), stores the bytes
verbatim in one transaction, then rings the workers' bell (the door's `enqueue`, so no door needs the validation
stack) and marks the submission enqueued once the broker has it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from domain.errors import Forbidden, InvalidInput, Unauthenticated
from domain.formats import admit
from domain.limits import MAX_FILENAME_CHARS, too_long
from domain.periods import check_period
from domain.roles import UPLOADERS
from domain.size_cap import SizeCap
from domain.viewer import Viewer
from sql import catalogue, submissions
from sql.db import Pool
from sql.submissions import Received

# Hands a stored submission (its id and the request id) to the workers; wired by the process that owns the broker.
# False when the broker could not be reached: the submission waits for the scheduler's requeue job.
Enqueue = Callable[[int, str], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class File:
    """An uploaded file as its door received it."""

    content: bytes
    filename: str | None = None
    content_type: str | None = None


# How the door reads its file, refusing it while it streams past the given limit in bytes (called once the cheap
# checks have passed, so a refused uploader's body is never read).
ReadFile = Callable[[int], Awaitable[File]]


@dataclass(frozen=True, slots=True)
class UploadRequest:
    """What the uploader asked: the report, the period and (staff only) a back-filled receipt time."""

    viewer: Viewer
    code: str
    period: str
    request_id: str
    received_at: datetime | None = None


def check_uploader(viewer: Viewer, received_at: datetime | None) -> None:
    if viewer.role == "public":
        raise Unauthenticated("an API key with the dcc, secas or admin role is needed to upload")
    if viewer.role not in UPLOADERS:
        raise Forbidden(f"the {viewer.role} role may not upload reports (dcc, secas or admin may)")
    if received_at is not None and not viewer.is_staff:
        raise Forbidden("only secas and admin may back-fill receivedAt", field="receivedAt")
    if received_at is not None and received_at.tzinfo is None:
        raise InvalidInput("receivedAt needs a time zone offset (e.g. 2018-06-04T10:00:00Z)", field="receivedAt")


def file_cap(max_upload_bytes: int) -> SizeCap:
    """The cap an uploaded file is counted against (SECGOV_MAX_UPLOAD_BYTES)."""
    return SizeCap(max_upload_bytes, what="file", field="file")


async def accept(
    pool: Pool, enqueue: Enqueue | None, request: UploadRequest, read: ReadFile, *, max_upload_bytes: int
) -> Received:
    """Check, store the bytes verbatim (committed) before anything else, then enqueue the validation."""
    viewer, received_at = request.viewer, request.received_at
    check_uploader(viewer, received_at)
    code = request.code.strip().upper()
    async with pool.acquire() as conn:  # released while the file streams in: a slow upload holds no connection
        report_type = await catalogue.report_type(conn, code=code)
    period = check_period(request.period, report_type.cadence)
    file = await read(max_upload_bytes)
    file_cap(max_upload_bytes).count(file.content)  # a multipart door counted the envelope too, not the file alone
    if file.filename is not None and (message := too_long("filename", file.filename, MAX_FILENAME_CHARS)):
        raise InvalidInput(message, field="filename")
    fmt = admit(file.content, file.content_type)
    async with pool.acquire() as conn, conn.transaction():
        received = await submissions.receive(
            conn,
            code=code,
            period=period,
            content=file.content,
            sha256=hashlib.sha256(file.content).digest(),
            filename=file.filename,
            content_type=file.content_type,
            received_at=received_at,
            uploaded_by=viewer.name,
            request_id=request.request_id,
            format=fmt,
        )
    if received.duplicate_of is None:
        await ring(pool, enqueue, received.submission_id, request.request_id)
    return received


async def ring(pool: Pool, enqueue: Enqueue | None, submission_id: int, request_id: str) -> None:
    """Ring the workers' bell for a stored (or reset) submission, and mark it enqueued once the broker has it."""
    if enqueue is not None and await enqueue(submission_id, request_id):
        async with pool.acquire() as conn:
            await submissions.mark_enqueued(conn, id=submission_id)


def given(file: File) -> ReadFile:
    """A reader for a file already in memory (the demo's delivery, the command line)."""

    async def read(limit: int) -> File:
        return file

    return read
