"""The GraphQL endpoint: context per request (viewer, loaders, request id, its one connection), the response
cache for reads (api/response_cache.py), HTTP caching of GETs (api/http_cache.py), and answers as GraphQL over HTTP
asks."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api import page_headers
from api.graphiql import page as graphiql_page
from api.http_cache import conditional, is_graphql_get
from api.register_check import check_in_child
from api.resources import Resources
from api.response_cache import Key, ResponseCache, request_key
from api.responses import graphql_error_response
from api.settings import Settings
from api.sockets import MAX_OPERATIONS_PER_CONNECTION, Refused, session_of
from api.variables import replaying
from domain.periods import today
from domain.viewer import PUBLIC, Viewer
from schema.connection import RequestConnection
from schema.context import Context, build_context
from schema.loaders import Loaders
from sql import health

GRAPHQL_RESPONSE = "application/graphql-response+json"
RETRY_AFTER_S = "2"
# Set while a request is answered: (media type, status) chosen from Accept and the result.
_answer: ContextVar[tuple[str, int | None]] = ContextVar("graphql_answer", default=("application/json", None))


class MutationOverGet(Exception):
    """A mutation (or subscription) sent with GET, which runs queries only."""


class SecgovGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, *, resources: Resources, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.production else "graphiql",
            multipart_uploads_enabled=True,
            max_subscriptions_per_connection=MAX_OPERATIONS_PER_CONNECTION,
            **kwargs,
        )
        self.resources = resources
        self.settings = settings
        self.cache = ResponseCache(settings.response_cache_bytes) if settings.response_cache else None
        self._ide_html = graphiql_page() if not settings.production else ""
        self._ide_headers = page_headers.graphiql(self._ide_html)

    @property
    def graphql_ide_html(self) -> str:
        return self._ide_html

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.graphql_ide_html, headers=self._ide_headers)

    def _connection(self, *, per_use: bool) -> RequestConnection:
        return RequestConnection(
            self.resources.pool, acquire_timeout_s=self.settings.acquire_timeout_s, per_use=per_use
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """An HTTP request gets one connection for all of its SQL, given back when it is answered."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        db = state["db"] = self._connection(per_use=False)
        get = state["etag"] = is_graphql_get(scope)
        if get:
            send = conditional(
                scope, send, keyed=state.get("viewer", PUBLIC).role != "public", version=lambda: _version(state)
            )
        try:
            if self.cache is not None and (get or _json_post(scope)):
                replay = await self._from_cache(scope, receive, send, state, db)
                if replay is None:
                    return
                receive = replay
            await super().__call__(scope, receive, send)
        finally:
            await db.release()

    async def _from_cache(
        self, scope: Scope, receive: Receive, send: Send, state: dict[str, Any], db: RequestConnection
    ) -> Receive | None:
        """Answer from the cache (None), or hand back the body for strawberry to read, noting the request's key
        (and the data version, when an older answer had to be checked) for storing its answer afterwards."""
        assert self.cache is not None
        body = b"" if state["etag"] else await _read_body(receive)
        try:
            payload = _get_payload(scope) if state["etag"] else orjson.loads(body)
        except orjson.JSONDecodeError:
            payload = None
        viewer: Viewer = state.get("viewer", PUBLIC)
        key = request_key(payload, viewer, today())
        if key is not None:
            state["cache_key"] = key
            if self.cache.known(key):
                async with db.use() as conn:
                    version = state["data_version"] = await health.data_version(conn)
                kept = self.cache.get(key, version)
                if kept is not None:
                    await db.release()
                    state["graphql_operation"] = kept.operation
                    await _send_kept(scope, send, kept.body)
                    return None
            else:
                self.cache.miss()

        if state["etag"]:
            return receive
        return replaying(body, receive)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # The edge middleware has resolved the key and the request id already.
        viewer = getattr(request.state, "viewer", PUBLIC)
        request_id = getattr(request.state, "request_id", "")
        client = request.client.host if request.client else None
        db = getattr(request.state, "db", None) or self._connection(per_use=True)
        state = request.scope.setdefault("state", {})
        context = state["graphql_context"] = build_context(
            db,
            viewer,
            request_id,
            enqueue=self.resources.enqueue,
            what_if=self.resources.what_if.ask if self.resources.what_if else None,
            check_file=check_in_child,
            request=request,
            response=response,
            client=client,
            max_upload_bytes=self.settings.max_upload_bytes,
            hub=self.resources.hub,
            keep_answer="cache_key" in state or state.get("etag", False),
            data_version=state.get("data_version"),
        )
        return context

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """GraphQL over HTTP: a request that never executed (refused while parsing, validating, costing) has no
        `data`, and with application/graphql-response+json is a 400; one that executed has `data` (even null)."""
        state = request.scope.get("state", {})
        await state["db"].release()  # executed: the connection can serve another request already
        data = await super().process_result(request, result)
        self._keep(state, result, data)
        codes = {(e.extensions or {}).get("code") for e in result.errors or []}
        json_answer = GRAPHQL_RESPONSE not in request.headers.get("accept", "")
        media = "application/json" if json_answer else GRAPHQL_RESPONSE
        if "UNAVAILABLE" in codes:
            # A statement or pool timeout, the heavy lane full, the database away: 503, to be tried again.
            _answer.set((media, 503))
            return data
        executed = getattr(state.get("graphql_context"), "executed", False)
        if not executed and result.data is None:
            data.pop("data", None)
            _answer.set((media, None if json_answer else 400))
        else:
            _answer.set((media, None))
        return data

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except Exception as e:
            if isinstance(e.__cause__, InvalidOperationTypeError) and request_adapter.method == "GET":
                raise MutationOverGet from e
            raise

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """GraphQL over HTTP: a mutation sent with GET is 405, naming the method that runs it."""
        try:
            return await super().run(request, context, root_value)
        except MutationOverGet:
            return graphql_error_response(
                405,
                "METHOD_NOT_ALLOWED",
                "GET runs queries only: send mutations (and subscriptions) with POST",
                headers={"Allow": "POST"},
            )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """GraphiQL for a browser's GET, unless it names a persisted document (a query sent by its hash)."""
        return super().should_render_graphql_ide(request) and request.query_params.get("extensions") is None

    def _keep(self, state: dict[str, Any], result: ExecutionResult, data: GraphQLHTTPResponse) -> None:
        context = state.get("graphql_context")
        key: Key | None = state.get("cache_key")
        if (
            self.cache is None
            or key is None
            or result.errors
            or context is None
            or not context.answer_keepable
            or context.data_version is None
        ):
            return
        self.cache.put(key, context.data_version, orjson.dumps(data), state.get("graphql_operation"))

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type, status = _answer.get()
        if media_type != "application/json":
            response.headers["content-type"] = media_type
        if status is not None:
            response.status_code = status
        if status == 503:
            response.headers["retry-after"] = RETRY_AFTER_S
        return response

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """The WebSocket's key, checked here only (api/sockets.py says where it is read from and how it is watched)."""
        try:
            viewer = await session_of(context.request.scope).authenticate(
                context.connection_params or {}, context.request.headers.get("authorization")
            )
        except Refused as e:
            raise ConnectionRejectionError({"message": str(e)}) from e
        context.viewer = viewer
        context.loaders = Loaders(context.db, viewer)
        ack: UnsetType = UNSET
        return ack


def _version(state: dict[str, Any]) -> int | None:
    """The data version an answer was computed at (or checked against, when it came from the response cache)."""
    version: int | None = state.get("data_version")
    return version if version is not None else getattr(state.get("graphql_context"), "data_version", None)


def _get_payload(scope: Scope) -> dict[str, Any]:
    """A GET request's parameters as a JSON body would carry them."""
    params = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
    payload: dict[str, Any] = {"query": params.get("query"), "operationName": params.get("operationName")}
    for name in ("variables", "extensions"):
        if params.get(name):
            payload[name] = orjson.loads(params[name])
    return payload


def _json_post(scope: Scope) -> bool:
    if scope.get("method") != "POST":
        return False
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bool(value.split(b";")[0].strip().lower() == b"application/json")
    return False


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send_kept(scope: Scope, send: Send, body: bytes) -> None:
    accept = next((v for n, v in scope.get("headers", ()) if n == b"accept"), b"")
    media = GRAPHQL_RESPONSE.encode() if GRAPHQL_RESPONSE.encode() in accept else b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
