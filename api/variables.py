"""Bounds on a GraphQL request's variables, checked before strawberry coerces them: the largest input the schema
takes (a meeting's outcome with its rows, exceptions and follow-ups) is a few thousand values a few levels deep,
so anything far beyond that is refused before it costs the event loop or memory."""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.responses import refusal

MAX_VARIABLE_VALUES = 10_000
MAX_VARIABLE_DEPTH = 16


def variables_problem(variables: object) -> str | None:
    """What is wrong with these variables (too many values, nested too deep), or None."""
    if variables is None:
        return None
    if not isinstance(variables, dict):
        return "variables must be a JSON object"
    values = 1
    stack: list[tuple[object, int]] = [(variables, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_VARIABLE_DEPTH:
            return f"the variables are nested more than {MAX_VARIABLE_DEPTH} levels deep"
        inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        values += len(inner)
        if values > MAX_VARIABLE_VALUES:  # counted before any is walked: a huge list costs nothing here
            return f"the variables hold more than {MAX_VARIABLE_VALUES:,} values"
        stack.extend((v, depth + 1) for v in inner)
    return None


class VariablesGuard:
    """Wraps the GraphQL endpoint: the variables of a JSON POST (its body already capped by the edge) or of a GET are
    checked before strawberry reads them; beyond the bounds, 400 QUERY_TOO_COMPLEX in GraphQL's shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        problem = None
        if request.method == "GET" and "variables" in request.query_params:
            problem = _problem_in(request.query_params["variables"], body=False)
        elif request.method == "POST" and request.headers.get("content-type", "").startswith("application/json"):
            body = await request.body()
            problem = _problem_in(body, body=True)
            receive = replaying(body, receive)
        if problem is not None:
            await refusal(scope["path"], 400, "QUERY_TOO_COMPLEX", problem)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _problem_in(text: str | bytes, *, body: bool) -> str | None:
    """The problem with the variables in a request body (a single request or a batch) or in a GET's `variables`
    parameter; JSON that cannot be read is strawberry's to refuse."""
    try:
        found = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not body:
        return variables_problem(found)
    for one in found if isinstance(found, list) else [found]:
        problem = variables_problem(one.get("variables")) if isinstance(one, dict) else None
        if problem is not None:
            return problem
    return None


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the body read here to the app, then waits on the client's."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
