"""The JSON shape of every refusal: {"error": {"code": ..., "message": ...}} outside GraphQL, and the GraphQL
shape {"errors": [{"message": ..., "extensions": {"code": ...}}]} on /graphql, whatever answered."""

from __future__ import annotations

from starlette.responses import JSONResponse

from api.ratelimit import Refusal


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def graphql_error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A refusal of a GraphQL request made before it executed (a middleware, the database away)."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def refusal(path: str, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The refusal in the shape the path's clients read."""
    shape = graphql_error_response if path.startswith("/graphql") else error_response
    return shape(status, code, message, headers)


def rate_limited(path: str, refused: Refusal) -> JSONResponse:
    """429 RATE_LIMITED with the seconds to wait, in the path's shape."""
    return refusal(path, 429, "RATE_LIMITED", refused.message, {"Retry-After": str(refused.retry_after)})
