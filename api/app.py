"""The Starlette app factory: pool in the lifespan, GraphQL, REST and health routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api import edge, page_headers
from api.admission import Admission
from api.auth import KeyResolver
from api.csrf import CsrfGuard
from api.downloads import make_route as make_download
from api.graphiql import ASSETS as GRAPHIQL_ASSETS
from api.graphql_view import SecgovGraphQL
from api.metrics import Metrics
from api.metrics import make_route as make_metrics
from api.ratelimit import RateLimiter
from api.report_downloads import make_route as make_report_download
from api.resources import Resources
from api.response_cache import CacheCollector
from api.responses import error_response, refusal
from api.rest import make_routes
from api.settings import Settings
from api.variables import VariablesGuard
from api.whatif_child import WhatIfChild
from schema.root import build_schema
from services.upload import Enqueue
from sql import db, health
from sql.db import Pool
from sql.errors import UNAVAILABLE_ERRORS, is_unavailable

Ping = Callable[[], Awaitable[object]]
CONSOLE_DIR = Path(__file__).parent / "console"
log = logging.getLogger("secgov.api")


async def console_page(request: Request) -> Response:
    """The OPSG console: a static page that uses the public GraphQL API like any front end."""
    return FileResponse(CONSOLE_DIR / "index.html", media_type="text/html", headers=page_headers.CONSOLE)


async def unexpected(request: Request, exc: Exception) -> Response:
    """Anything a route or middleware did not handle: 503 when the database is away, else a masked 500."""
    request_id = getattr(request.state, "request_id", None)
    if is_unavailable(exc):
        return refusal(
            request.url.path,
            503,
            "UNAVAILABLE",
            "the database is unavailable; try again shortly",
            headers={"Retry-After": "5"},
        )
    log.exception("unexpected error (request %s)", request_id)
    return refusal(request.url.path, 500, "INTERNAL_SERVER_ERROR", f"internal server error (request id {request_id})")


def create_app(
    settings: Settings, *, pool: Pool | None = None, enqueue: Enqueue | None = None, broker_ping: Ping | None = None
) -> Starlette:
    """The app; given a pool (tests) it uses that one, otherwise it opens one from DATABASE_URL."""
    resources = Resources(_pool=pool, enqueue=enqueue)
    # Started on the first what-if, not before: most processes never try one.
    resources.what_if = WhatIfChild(
        memory_bytes=settings.sandbox_memory_mb * 1024 * 1024,
        cpu_seconds=settings.sandbox_cpu_seconds,
        max_rows=settings.max_rows,
        max_columns=settings.max_columns,
    )
    if enqueue is None and settings.broker_url:
        from api.bell import make_enqueue, make_ping
        from workers.broker import make_broker

        broker = make_broker(settings.broker_url, settings=settings)
        resources.enqueue = make_enqueue(broker, settings.queue)
        broker_ping = broker_ping or make_ping(broker)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = None
        if resources._pool is None:
            if not settings.database_url:
                raise RuntimeError("DATABASE_URL is not set")
            owned = resources._pool = await db.create_pool(
                settings.database_url, min_size=2, max_size=20, statement_timeout_s=settings.statement_timeout_s
            )
        await resources.hub.start(resources.pool)
        try:
            yield
        finally:
            await resources.hub.stop()
            if resources.what_if is not None:
                await resources.what_if.close()
            if owned is not None:
                resources._pool = None
                await owned.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        problems: dict[str, str] = {}
        try:
            async with resources.pool.acquire(timeout=2) as conn:
                await health.ping(conn)
        except Exception as e:  # noqa: BLE001 - any failure means not ready
            problems["database"] = type(e).__name__
        if broker_ping is not None:
            try:
                await broker_ping()
            except Exception as e:  # noqa: BLE001
                problems["broker"] = type(e).__name__
        if problems:
            return error_response(503, "UNAVAILABLE", f"not ready: {problems}")
        return JSONResponse({"status": "ready"})

    schema = build_schema(
        introspection=not settings.production,
        cost_budget=settings.query_cost_budget,
        heavy_wait_s=settings.acquire_timeout_s,
        documents=settings.documents,
        shipped_documents=orjson.loads((CONSOLE_DIR / "persisted-documents.json").read_bytes()),
        list_sizes=resources.hub.sizes,
    )
    keys = KeyResolver(resources)
    view = SecgovGraphQL(
        schema,
        resources=resources,
        settings=settings,
        # Only graphql-transport-ws: the older graphql-ws protocol is not offered (its clients would get answers of
        # another shape). Browser pages on other origins may open the WebSocket when SECGOV_CORS_ORIGINS lists them.
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        allowed_origins=settings.cors_origins,
    )
    metrics = Metrics()
    limiter = RateLimiter(settings.rate_limits, settings.rate_limit_storage)
    if view.cache is not None:
        metrics.registry.register(CacheCollector(view.cache))
    upload, submission = make_routes(settings, resources)
    app = Starlette(
        routes=[
            Route(
                "/graphql",
                CsrfGuard(VariablesGuard(view), allowed_origins=settings.cors_origins),
                methods=["GET", "POST"],
            ),
            WebSocketRoute("/graphql", view),
            Route("/api/v1/reports/{code}/{period}", upload, methods=["POST"]),  # type: ignore[arg-type]
            Route("/api/v1/submissions/{id}", submission, methods=["GET"]),  # type: ignore[arg-type]
            Route(
                "/api/v1/opsg-report/{month}.{fmt}",
                make_download(resources),  # type: ignore[arg-type]
                methods=["GET"],
            ),
            Route(
                "/api/v1/operations-report/{month}.{fmt}",
                make_report_download(resources),  # type: ignore[arg-type]
                methods=["GET"],
            ),
            Route("/console", console_page, methods=["GET"]),
            Mount("/console/static", StaticFiles(directory=CONSOLE_DIR / "static", check_dir=False)),
            Mount("/static/graphiql", StaticFiles(directory=GRAPHIQL_ASSETS)),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", make_metrics(metrics, resources), methods=["GET"]),  # type: ignore[arg-type]
        ],
        lifespan=lifespan,
        middleware=edge.middleware(settings, Admission(keys, limiter, metrics), metrics),
        # Connection failures are answered where they happen (no re-raise); anything else is a masked 500.
        exception_handlers={**dict.fromkeys(UNAVAILABLE_ERRORS, unexpected), Exception: unexpected},
    )
    app.state.settings = settings
    app.state.resources = resources
    app.state.cache = view.cache
    return app
