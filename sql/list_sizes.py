"""The longest each unpaged list has grown (migration 0055), kept in the API process for the cost estimate: read
whenever the live feed's connection (re)opens, and raised by the notices each growing write sends as it commits,
so the estimate never adds a statement to a request."""

from __future__ import annotations

import orjson

from sql.db import Conn
from sql.loader import fetch

CHANNEL = "secgov_list_sizes"


class ListSizes:
    """`largest["ReportException.history"]`: the most entries any one exception's history holds, as last heard."""

    def __init__(self) -> None:
        self.largest: dict[str, int] = {}

    async def read(self, conn: Conn) -> None:
        self.largest = {r["list"]: r["largest"] for r in await fetch(conn, "health.list_sizes")}

    def heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        try:
            notice = orjson.loads(payload if isinstance(payload, str | bytes) else str(payload))
            name, n = str(notice["list"]), int(notice["largest"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return
        self.largest[name] = max(n, self.largest.get(name, 0))
