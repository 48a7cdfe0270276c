"""GraphiQL served with its assets from this server (api/static/graphiql), so it works offline."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).parent / "static" / "graphiql"
PREFIX = "/static/graphiql/"
# strawberry's page loads these from a CDN; the same files (same integrity hashes) are shipped here.
_LOCAL = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}


def offline(html: str) -> str:
    """strawberry's GraphiQL page with every CDN address replaced by this server's copy."""
    for remote, local in _LOCAL.items():
        if remote not in html:
            raise RuntimeError(f"strawberry's GraphiQL page no longer loads {remote}: update api/graphiql.py")
        html = html.replace(remote, PREFIX + local)
    return html
