"""The named statements in sql/queries/*.sql, loaded once with aiosql and run by name with keyword arguments.

A file holds blocks that start with `-- name: some_name`; parameters are written `:name`. aiosql parses the files
and, through its asyncpg adapter, turns the parameters into asyncpg's positional `$n` and remembers their order.
The call site chooses the shape of the answer (fetch, fetchrow, fetchval, execute), so the statements need no
aiosql operator suffixes; a statement is addressed as `file.name` (file stem, then the statement's name).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosql
import asyncpg

from sql.db import Conn

QUERIES_DIR = Path(__file__).parent / "queries"


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    text: str
    params: tuple[str, ...]

    def args(self, values: dict[str, Any]) -> list[Any]:
        missing = [p for p in self.params if p not in values]
        extra = [k for k in values if k not in self.params]
        if missing or extra:
            raise TypeError(f"query {self.name}: missing {missing}, unexpected {extra}")
        return [values[p] for p in self.params]


def load(directory: Path = QUERIES_DIR) -> dict[str, Query]:
    """Every statement of every file, keyed `file.name`."""
    found: dict[str, Query] = {}
    aiosql_log = logging.getLogger("aiosql")
    quiet, aiosql_log.disabled = aiosql_log.disabled, True  # it warns of statements with no operator suffix
    try:
        for path in sorted(directory.glob("*.sql")):
            # One aiosql object per file: statement names repeat across files (by_ids, ...).
            queries = aiosql.from_path(path, "asyncpg", mandatory_parameters=False)
            order: dict[str, list[str]] = queries.driver_adapter.var_sorted
            names = set(queries.available_queries)
            for name in sorted(names):
                if name.endswith("_cursor") and name.removesuffix("_cursor") in names:
                    continue  # the cursor variant aiosql adds to each SELECT
                fn = getattr(queries, name)
                key = f"{path.stem}.{name}"
                if key in found:
                    raise ValueError(f"duplicate statement name {key}")
                found[key] = Query(key, fn.sql.strip().rstrip(";"), tuple(order.get(name, ())))
    finally:
        aiosql_log.disabled = quiet
    return found


QUERIES = load()


def query(name: str) -> Query:
    return QUERIES[name]


async def fetch(conn: Conn, name: str, /, **values: Any) -> list[asyncpg.Record]:
    q = QUERIES[name]
    return await conn.fetch(q.text, *q.args(values))


async def fetchrow(conn: Conn, name: str, /, **values: Any) -> asyncpg.Record | None:
    q = QUERIES[name]
    return await conn.fetchrow(q.text, *q.args(values))


async def fetchval(conn: Conn, name: str, /, **values: Any) -> Any:
    q = QUERIES[name]
    return await conn.fetchval(q.text, *q.args(values))


async def execute(conn: Conn, name: str, /, **values: Any) -> str:
    q = QUERIES[name]
    return await conn.execute(q.text, *q.args(values))


async def executemany(conn: Conn, name: str, /, rows: Iterable[dict[str, Any]]) -> None:
    q = QUERIES[name]
    await conn.executemany(q.text, [q.args(r) for r in rows])
