"""The GraphQL endpoint: context per request (viewer, loaders, request id)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api import page_headers
from api.auth import InvalidKey, KeyResolver
from api.graphiql import page as graphiql_page
from api.resources import Resources
from api.settings import Settings
from domain.viewer import PUBLIC
from schema.connection import RequestConnection
from schema.context import Context, build_context
from schema.loaders import Loaders

GRAPHQL_RESPONSE = "application/graphql-response+json"
# Set while a request is answered: (media type, status) chosen from Accept and the result.
_answer: ContextVar[tuple[str, int | None]] = ContextVar("graphql_answer", default=("application/json", None))
_BEFORE_EXECUTION = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "QUERY_TOO_COMPLEX"}


class SecgovGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, *, resources: Resources, settings: Settings, **kwargs: Any) -> None:
        super().__init__(schema, graphql_ide=None if settings.production else "graphiql",
                         multipart_uploads_enabled=True, **kwargs)
        self.resources = resources
        self.settings = settings
        self.keys = KeyResolver(resources)
        self._ide_html = graphiql_page(super().graphql_ide_html) if not settings.production else ""
        self._ide_headers = page_headers.graphiql(self._ide_html)

    @property
    def graphql_ide_html(self) -> str:
        return self._ide_html

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.graphql_ide_html, headers=self._ide_headers)

    def _connection(self, *, per_use: bool) -> RequestConnection:
        return RequestConnection(self.resources.pool, acquire_timeout_s=self.settings.acquire_timeout_s,
                                 per_use=per_use)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An HTTP request gets one connection for all of its SQL, given back when it is answered."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        db = scope.setdefault("state", {})["db"] = self._connection(per_use=False)
        try:
            await super().__call__(scope, receive, send)
        finally:
            await db.release()

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # The edge middleware has resolved the key and the request id already.
        viewer = getattr(request.state, "viewer", PUBLIC)
        request_id = getattr(request.state, "request_id", "")
        client = request.client.host if request.client else None
        db = getattr(request.state, "db", None) or self._connection(per_use=True)
        return build_context(db, viewer, request_id, enqueue=self.resources.enqueue, request=request,
                             response=response, client=client,
                             extra={"max_upload_bytes": self.settings.max_upload_bytes, "hub": self.resources.hub})

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """GraphQL over HTTP: with application/graphql-response+json, a request that never executed is a 400."""
        await request.state.db.release()  # executed: the connection can serve another request already
        data = await super().process_result(request, result)
        if GRAPHQL_RESPONSE not in request.headers.get("accept", ""):
            _answer.set(("application/json", None))
            return data
        codes = {(e.extensions or {}).get("code") for e in result.errors or []}
        if result.data is None and codes and codes <= _BEFORE_EXECUTION:
            data.pop("data", None)
            _answer.set((GRAPHQL_RESPONSE, 400))
        else:
            _answer.set((GRAPHQL_RESPONSE, None))
        return data

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type, status = _answer.get()
        if media_type != "application/json":
            response.headers["content-type"] = media_type
        if status is not None:
            response.status_code = status
        return response

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """The WebSocket's key arrives in connection_init: {"Authorization": "Bearer <key>"}."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            viewer = await self.keys.viewer(header if isinstance(header, str) else None)
        except InvalidKey as e:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": str(e)}) from e
        context.viewer = viewer
        context.loaders = Loaders(context.db, viewer)
        ack: UnsetType = UNSET
        return ack
