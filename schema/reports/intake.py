"""Accepting an upload, shared by the REST route and the uploadReport mutation: checks, store, then ring the bell."""

from __future__ import annotations

import hashlib
from datetime import datetime

from domain.errors import Forbidden, InvalidInput, Unauthenticated
from domain.formats import admit
from domain.limits import MAX_FILENAME_CHARS, too_long
from domain.periods import check_period
from domain.roles import UPLOADERS
from domain.viewer import Viewer
from schema.context import Enqueue
from sql import catalogue, submissions
from sql.db import Pool
from sql.submissions import Received


def check_uploader(viewer: Viewer, received_at: datetime | None) -> None:
    if viewer.role == "public":
        raise Unauthenticated("an API key with the dcc, secas or admin role is needed to upload")
    if viewer.role not in UPLOADERS:
        raise Forbidden(f"the {viewer.role} role may not upload reports (dcc, secas or admin may)")
    if received_at is not None and not viewer.is_staff:
        raise Forbidden("only secas and admin may back-fill receivedAt", field="receivedAt")
    if received_at is not None and received_at.tzinfo is None:
        raise InvalidInput("receivedAt needs a time zone offset (e.g. 2018-06-04T10:00:00Z)", field="receivedAt")


async def accept(
    pool: Pool,
    enqueue: Enqueue | None,
    *,
    viewer: Viewer,
    code: str,
    period: str,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    received_at: datetime | None,
    request_id: str,
) -> Received:
    """Store the bytes verbatim (committed) before anything else, then enqueue the validation."""
    check_uploader(viewer, received_at)
    if filename is not None and (message := too_long("filename", filename, MAX_FILENAME_CHARS)):
        raise InvalidInput(message, field="filename")
    fmt = admit(content, content_type)
    digest = hashlib.sha256(content).digest()
    code = code.strip().upper()
    async with pool.acquire() as conn:
        rt = await catalogue.report_type(conn, code=code)
        received = await submissions.receive(
            conn,
            code=code,
            period=check_period(period, rt.cadence),
            content=content,
            sha256=digest,
            filename=filename,
            content_type=content_type,
            received_at=received_at,
            uploaded_by=viewer.name,
            request_id=request_id,
            format=fmt,
        )
    if received.duplicate_of is None and enqueue is not None:
        await enqueue(received.submission_id, request_id)
    return received
