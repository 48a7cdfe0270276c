"""GraphiQL served with its assets from this server (api/static/graphiql), so it works offline, opening on a
commented example that runs as it stands."""

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


# What the editor shows first: it needs no key (the register is public), so it answers for anyone who opens the page.
# Kept free of backquotes and "${": the page holds it in a JavaScript template literal.
EXAMPLE = """\
# secgov: the register of SEC Parties, committee business and the DCC's reports.
#
# Run this query with Ctrl-Enter (or the play button). It needs no key: the
# register is public. For more, put your key in the Headers tab below:
#   {"Authorization": "Bearer sgk_..."}
# The Docs panel (the book icon, top left) describes every type, field and
# argument; Ctrl-Space completes names as you type.
#
# The first five Parties whose name contains "energy", with their Voting Group
# and DCC User Roles. Lists are paged: pass pageInfo.endCursor as after: "..."
# to get the next page (at most 100 a page).
query FirstParties {
  parties(first: 5, filter: {nameContains: "energy"}) {
    totalCount
    edges {
      node { name category status votingGroup { name } userRoles { role userId since } }
    }
    pageInfo { hasNextPage endCursor }
  }
  # Month-end membership figures, as Table 3 of the monthly Operations Report.
  membershipStatistics(fromMonth: "2018-07", toMonth: "2018-09") {
    month accessions withdrawals partiesAtMonthEnd votingGroupsAtMonthEnd
  }
  # The DCC reports the Operations Group expects, and when each is due.
  reportTypes { code name secClause cadence dueWorkingDays }
}
"""
_EXAMPLE_START = "const EXAMPLE_QUERY = `"


def page(html: str) -> str:
    """strawberry's GraphiQL page with every CDN address replaced by this server's copy, opening on EXAMPLE."""
    for remote, local in _LOCAL.items():
        if remote not in html:
            raise RuntimeError(f"strawberry's GraphiQL page no longer loads {remote}: update api/graphiql.py")
        html = html.replace(remote, PREFIX + local)
    start = html.find(_EXAMPLE_START)
    end = html.find("`;", start)
    if start < 0 or end < 0:
        raise RuntimeError("strawberry's GraphiQL page no longer has its EXAMPLE_QUERY: update api/graphiql.py")
    return html[: start + len(_EXAMPLE_START)] + EXAMPLE + html[end:]
