"""The GraphQL endpoint: context per request (viewer, loaders, request id)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.resources import Resources
from api.settings import Settings
from schema.context import Context, build_context
from sql.viewer import PUBLIC


class SecgovGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, *, resources: Resources, settings: Settings, **kwargs: Any) -> None:
        super().__init__(schema, graphql_ide=None if settings.production else "graphiql",
                         multipart_uploads_enabled=True, **kwargs)
        self.resources = resources
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # The edge middleware has resolved the key and the request id already.
        viewer = getattr(request.state, "viewer", PUBLIC)
        request_id = getattr(request.state, "request_id", "")
        client = request.client.host if request.client else None
        return build_context(self.resources.pool, viewer, request_id, enqueue=self.resources.enqueue, request=request,
                             response=response, client=client,
                             extra={"max_upload_bytes": self.settings.max_upload_bytes})
