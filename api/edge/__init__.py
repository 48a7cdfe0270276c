"""The edge: one middleware per concern, in this order (outermost first; docs/architecture.md, "The edge"):

1. the client's address from the proxy's forwarded headers, only when SECGOV_TRUSTED_PROXIES lists the proxy
   (uvicorn's ProxyHeadersMiddleware);
2. the request id, metrics and the access line (request_log.py);
3. CORS for the origins in SECGOV_CORS_ORIGINS (Starlette's CORSMiddleware): preflights are answered here, and the
   refusals below carry the allowance too, so a page on an allowed origin can read them;
4. the rate limits, before anything costs SQL or reads a body (rate_limit.py);
5. body caps, from the declared length and while streaming (body_limit.py);
6. the API key → the viewer (authenticate.py);
7. a WebSocket's guard: its messages read whole, its key checked and watched (api/sockets.py).

Then the routes: /graphql checks uploads' CSRF header (api/csrf.py) and bounds variables (api/variables.py).
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.admission import Admission
from api.edge.authenticate import Authenticate
from api.edge.body_limit import BodyLimit
from api.edge.rate_limit import RateLimit
from api.edge.request_log import RequestLog
from api.metrics import Metrics
from api.settings import Settings
from api.sockets import SocketGuard

# What our clients send: the key, the body's type, the upload header, and what Apollo, urql and the rest add.
CORS_HEADERS = (
    "Authorization",
    "Content-Type",
    "Accept",
    "X-Secgov-Upload",
    "X-Request-Id",
    "If-None-Match",
    "Apollo-Require-Preflight",
    "X-Apollo-Operation-Name",
    "Apollographql-Client-Name",
    "Apollographql-Client-Version",
)
CORS_EXPOSED = ("Retry-After", "X-Request-Id", "ETag")


def middleware(settings: Settings, admission: Admission, metrics: Metrics) -> list[Middleware]:
    """The edge's middlewares, outermost first."""
    stack = [
        Middleware(RequestLog, metrics=metrics),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=("GET", "POST"),
            allow_headers=CORS_HEADERS,
            expose_headers=CORS_EXPOSED,
        ),
        Middleware(RateLimit, admission=admission),
        Middleware(BodyLimit, max_upload_bytes=settings.max_upload_bytes, max_json_bytes=settings.max_json_bytes),
        Middleware(Authenticate, admission=admission),
        Middleware(SocketGuard, admission=admission, max_bytes=settings.max_json_bytes),
    ]
    if settings.trusted_proxies:
        stack.insert(0, Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)))
    return stack
