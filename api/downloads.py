"""GET /api/v1/opsg-report/{month}.{md,csv,html,docx}: the OPSG table for the Panel pack."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.edge import error_response
from api.resources import Resources


def make_route(resources: Resources) -> object:
    async def opsg_download(request: Request) -> Response:
        return error_response(404, "NOT_FOUND", "not built yet")

    return opsg_download
