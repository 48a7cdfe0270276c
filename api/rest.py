"""REST routes: report upload, a submission's summary."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message

from api.resources import Resources
from api.responses import error_response
from api.settings import Settings
from domain.errors import PayloadTooLarge, Refusal
from domain.periods import check_period
from domain.roles import REPORT_READERS
from schema.relay import global_id, pk_of
from schema.reports.intake import accept, check_uploader
from sql import audit, catalogue, submissions

log = logging.getLogger("secgov.audit")
Route = Callable[[Request], Awaitable[Response]]

STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "UNKNOWN_REPORT_TYPE": 404,
    "INVALID_INPUT": 400,
    "INVALID_PERIOD": 400,
    "CSRF_REFUSED": 400,
    "CONFLICT": 409,
    "LIFECYCLE_VIOLATION": 409,
    "ILLEGAL_TRANSITION": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "RATE_LIMITED": 429,
    "UNAVAILABLE": 503,
}


def refused(e: Refusal) -> Response:
    return error_response(STATUS.get(e.code, 400), e.code, e.message)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, streamed and refused as soon as it passes the limit (a declared length is refused up front)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body declares {int(declared):,} bytes; the limit is {limit:,}")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than the limit of {limit:,} bytes")
        parts.append(chunk)
    return b"".join(parts)


def replaying(request: Request, body: bytes) -> Request:
    """The same request, its body (already read, within the limit) offered again, so Starlette can parse its form."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def make_routes(settings: Settings, resources: Resources) -> tuple[object, object]:
    async def upload(request: Request) -> Response:
        viewer = request.state.viewer
        code = request.path_params["code"].upper()
        period = request.path_params["period"]
        received_param = request.query_params.get("received_at")
        try:
            received_at = datetime.fromisoformat(received_param.replace("Z", "+00:00")) if received_param else None
        except ValueError:
            return error_response(400, "INVALID_INPUT", f"received_at {received_param!r} is not an ISO 8601 time")
        try:
            check_uploader(viewer, received_at)
            async with resources.pool.acquire() as conn:  # cheap checks before a byte is read
                rt = await catalogue.report_type(conn, code=code)
            check_period(period, rt.cadence)
            body = await read_body(request, settings.max_upload_bytes + 64 * 1024)
            content_type = request.headers.get("content-type")
            filename = request.query_params.get("filename")
            if (content_type or "").startswith("multipart/form-data"):
                async with replaying(request, body).form(max_files=1, max_fields=10) as form:
                    part = form.get("file")
                    if part is None or isinstance(part, str):
                        return error_response(400, "INVALID_INPUT", "the multipart body has no file field 'file'")
                    body = await part.read()
                    filename = filename or part.filename
                    content_type = part.content_type
            if len(body) > settings.max_upload_bytes:
                raise PayloadTooLarge(f"the file is larger than the limit of {settings.max_upload_bytes:,}")
            received = await accept(
                resources.pool,
                resources.enqueue,
                viewer=viewer,
                code=code,
                period=period,
                content=body,
                filename=filename,
                content_type=content_type,
                received_at=received_at,
                request_id=request.state.request_id,
            )
        except Refusal as e:
            return refused(e)
        sid = global_id("ReportSubmission", received.submission_id)
        if received.duplicate_of is not None:
            return JSONResponse({"submission_id": sid, "status": received.status, "duplicate_of": sid})
        return JSONResponse({"submission_id": sid, "status": "RECEIVED", "duplicate_of": None}, status_code=202)

    async def submission(request: Request) -> Response:
        viewer = request.state.viewer
        if viewer.role == "public":
            return error_response(401, "UNAUTHENTICATED", "an API key is needed")
        try:
            pk = pk_of(request.path_params["id"], "ReportSubmission")
        except Refusal as e:
            return refused(e)
        async with resources.pool.acquire() as conn:
            rows = await submissions.by_ids(conn, ids=[pk]) if viewer.role in REPORT_READERS else []
            by_rule = await submissions.findings_by_rule(conn, submission_id=pk) if rows else {}
        if not rows:
            return error_response(404, "NOT_FOUND", "no such submission")
        s = rows[0]
        return JSONResponse(
            {
                "id": global_id("ReportSubmission", s.id),
                "report_type": s.report_type,
                "period": s.period,
                "status": s.status,
                "delivery": s.delivery,
                "due_at": s.due_at.isoformat() if s.due_at else None,
                "received_at": s.received_at.isoformat(),
                "sha256": s.sha256.hex(),
                "filename": s.filename,
                "row_count": s.row_count,
                "supersedes": global_id("ReportSubmission", s.supersedes_id)
                if s.supersedes_id and s.status != "REJECTED"
                else None,
                "findings_by_rule": by_rule,
            }
        )

    return audited(resources, upload), submission


def audited(resources: Resources, route: Route) -> Route:
    """Record every upload made with a key in the audit log, whatever its outcome (anonymous attempts are refused
    before anything is read and are not stored: the access log has them)."""

    async def upload(request: Request) -> Response:
        response = await route(request)
        viewer = request.state.viewer
        if viewer.role == "public":
            return response
        body = orjson.loads(bytes(response.body)) if response.body else {}
        ok = response.status_code < 400
        outcome = audit.OK if ok else str(body.get("error", {}).get("code", response.status_code))
        try:
            async with resources.pool.acquire() as conn:
                await audit.record(
                    conn,
                    key_name=viewer.name,
                    role=viewer.role,
                    action="UPLOAD",
                    operation=f"POST {request.url.path}",
                    outcome=outcome,
                    target_ids=[body["submission_id"]] if ok and body.get("submission_id") else [],
                    client_address=request.client.host if request.client else None,
                    request_id=request.state.request_id,
                )
        except Exception:  # the upload is stored already: failing the answer would not undo it
            log.exception("audit entry not written", extra={"operation": "upload", "key": viewer.name})
        return response

    return upload
