"""GET /api/v1/operations-report/{month}.{md,html,docx}: section 1 of the Panel's Operations Report.

The same report as `operationsReport` (domain.operations), read as the caller may see it: everyone gets the White
paper; the Amber appendices only go to those who may see Amber.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from api.downloads import file_response
from api.resources import Resources
from api.responses import error_response
from domain.errors import Refusal
from domain.operations import render
from domain.operations.report import build
from sql import operations_report

MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def make_route(resources: Resources) -> object:
    async def operations_report_download(request: Request) -> Response:
        month, fmt = request.path_params["month"], request.path_params["fmt"].lower()
        if fmt not in MEDIA:
            return error_response(400, "INVALID_INPUT", f"format {fmt!r} is not one of md, html, docx")
        item_text = request.query_params.get("item")
        if item_text is not None and not (item_text.isascii() and item_text.isdigit() and len(item_text) < 4):
            return error_response(400, "INVALID_INPUT", f"item {item_text!r} is not a whole number")
        try:
            async with resources.pool.acquire() as conn:
                data = await operations_report.report_input(
                    conn, month=month, viewer=request.state.viewer, item=int(item_text) if item_text else None
                )
        except Refusal as e:
            return error_response(400, e.code, e.message)
        report = build(data)
        if fmt == "md":
            body = render.markdown(report).encode("utf-8")
        else:
            body = await asyncio.to_thread(render.RENDERERS[fmt], report)  # Word files take a moment: off the loop
        return file_response(body, MEDIA[fmt], f"operations-report-{report.month}.{fmt}")

    return operations_report_download
