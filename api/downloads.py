"""GET /api/v1/opsg-report/{month}.{md,csv,html,docx}: the OPSG table for the Panel pack.

The table and its renderers are domain.opsg's (the same table as `opsgReport`); here it is read from the store and
served, to the roles that may read it.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from api.resources import Resources
from api.responses import error_response
from domain.errors import Refusal
from domain.opsg import render
from domain.opsg.table import build
from domain.roles import OPSG_READERS
from sql import opsg

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": DOCX,
}


def file_response(body: bytes, media_type: str, filename: str) -> Response:
    """A download: HTML shown inline under a policy that runs nothing, anything else as an attachment."""
    html = filename.endswith(".html")
    headers = {
        "Content-Disposition": f'{"inline" if html else "attachment"}; filename="{filename}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if html:
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return Response(body, media_type=media_type, headers=headers)


def make_route(resources: Resources) -> object:
    async def opsg_download(request: Request) -> Response:
        role = request.state.viewer.role
        if role not in OPSG_READERS:
            if role == "public":
                return error_response(401, "UNAUTHENTICATED", "an API key is needed for this")
            return error_response(403, "FORBIDDEN", f"the {role} role may not read the OPSG table")
        month, fmt = request.path_params["month"], request.path_params["fmt"].lower()
        if fmt not in MEDIA:
            return error_response(400, "INVALID_INPUT", f"format {fmt!r} is not one of md, csv, html, docx")
        try:
            async with resources.pool.acquire() as conn:
                table = build(await opsg.month_input(conn, month=month, viewer=request.state.viewer))
        except Refusal as e:
            return error_response(400, e.code, e.message)
        if fmt == "md":
            body = render.markdown(table).encode("utf-8")
        else:
            # Word files take a moment to build: off the event loop.
            body = await asyncio.to_thread(render.RENDERERS[fmt], table)
        return file_response(body, MEDIA[fmt], f"opsg-report-{table.month}.{fmt}")

    return opsg_download
