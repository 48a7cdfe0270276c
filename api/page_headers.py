"""Headers for the two pages a browser shows (the console and GraphiQL): a Content-Security-Policy that runs only
this server's scripts and forbids framing, so that a page holding an API key cannot be clickjacked or made to run
injected script.

The console is static files only (no inline script or style). GraphiQL's page (api/graphiql.html) carries one
inline script: it is allowed by its hash, computed from the page actually served. Its widgets set inline styles, so
only its styles may be inline.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_COMMON = (
    "default-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def _headers(policy: str) -> dict[str, str]:
    # X-Frame-Options for browsers that predate frame-ancestors.
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


CONSOLE = _headers("; ".join(("script-src 'self'", "style-src 'self'", *_COMMON)))


def graphiql(html: str) -> dict[str, str]:
    """The headers for this GraphiQL page: its inline scripts allowed by their SHA-256, nothing else inline."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(html)
    ]
    return _headers("; ".join((" ".join(["script-src 'self'", *hashes]), "style-src 'self' 'unsafe-inline'", *_COMMON)))
