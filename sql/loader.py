"""Loads the named statements in sql/queries/*.sql once and runs them by name with keyword arguments.

A file holds blocks that start with `-- name: some_name`; parameters are written `:name` and become asyncpg's
positional `$n` (a `::type` cast is left alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from sql.db import Conn

QUERIES_DIR = Path(__file__).parent / "queries"
_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)
_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_QUOTED = re.compile(r"'(?:[^']|'')*'")


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


def _compile(name: str, body: str) -> Query:
    # Whole-line comments go first: an apostrophe in one must not look like a string.
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("--"))
    params: list[str] = []
    quoted = {m.start(): m.end() for m in _QUOTED.finditer(body)}

    def inside_quotes(pos: int) -> bool:
        return any(start <= pos < end for start, end in quoted.items())

    def replace(match: re.Match[str]) -> str:
        if inside_quotes(match.start()):
            return match.group(0)
        param = match.group(1)
        if param not in params:
            params.append(param)
        return f"${params.index(param) + 1}"

    text = _PARAM.sub(replace, body).strip().rstrip(";")
    return Query(name, text, tuple(params))


def load(directory: Path = QUERIES_DIR) -> dict[str, Query]:
    """Every statement of every file, keyed `file.name` (file stem, then the statement's name)."""
    found: dict[str, Query] = {}
    for path in sorted(directory.glob("*.sql")):
        source = path.read_text(encoding="utf-8")
        parts = _NAME.split(source)
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            key = f"{path.stem}.{name}"
            if key in found:
                raise ValueError(f"duplicate statement name {key}")
            found[key] = _compile(key, body)
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
