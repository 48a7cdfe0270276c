"""GraphiQL served with its assets from this server (api/static/graphiql), so it works offline, opening on a
commented example that runs as it stands. The page is our own (api/graphiql.html), served through strawberry's hook
for a custom IDE page (the view's render_graphql_ide)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ASSETS = Path(__file__).parent / "static" / "graphiql"
PAGE = Path(__file__).parent / "graphiql.html"


@cache
def page() -> str:
    """The GraphiQL page, read once."""
    return PAGE.read_text(encoding="utf-8")
