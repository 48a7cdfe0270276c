"""The GraphQL endpoint: context per request (viewer, loaders, request id)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET, UnsetType

from api.auth import InvalidKey, KeyResolver
from api.resources import Resources
from api.settings import Settings
from schema.context import Context, build_context
from schema.loaders import Loaders
from sql.viewer import PUBLIC


class SecgovGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, *, resources: Resources, settings: Settings, **kwargs: Any) -> None:
        super().__init__(schema, graphql_ide=None if settings.production else "graphiql",
                         multipart_uploads_enabled=True, **kwargs)
        self.resources = resources
        self.settings = settings
        self.keys = KeyResolver(resources)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # The edge middleware has resolved the key and the request id already.
        viewer = getattr(request.state, "viewer", PUBLIC)
        request_id = getattr(request.state, "request_id", "")
        client = request.client.host if request.client else None
        return build_context(self.resources.pool, viewer, request_id, enqueue=self.resources.enqueue, request=request,
                             response=response, client=client,
                             extra={"max_upload_bytes": self.settings.max_upload_bytes, "hub": self.resources.hub})

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """The WebSocket's key arrives in connection_init: {"Authorization": "Bearer <key>"}."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            viewer = await self.keys.viewer(header if isinstance(header, str) else None)
        except InvalidKey as e:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": str(e)}) from e
        context.viewer = viewer
        context.loaders = Loaders(self.resources.pool, viewer)
        return UNSET
