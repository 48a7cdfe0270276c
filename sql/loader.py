"""The named statements in sql/queries/*.sql, loaded once and run by name with keyword arguments.

A file holds blocks that start with `-- name: some_name`; parameters are written `:name` and become asyncpg's
positional `$n`, in order of first use (a name used twice is one parameter). The call site chooses the shape of the
answer (fetch, fetchrow, fetchval, execute); a statement is addressed as `file.name` (file stem, then its name).
Text in quotes, comments and `::` casts are never read as parameters.

The format is aiosql's, and aiosql loaded it until its public API offered no way to learn the order it gave the
parameters: these thirty lines do the one thing we used it for.
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
NAME = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)
# Quoted text and comments (kept as they are) or a parameter: a colon not part of `::` or a word, then a name.
TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|(?<![:\w]):([A-Za-z_]\w*)""")


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


def positional(name: str, sql: str) -> Query:
    """A statement with its `:name` parameters written `$n`, and the names in that order."""
    order: list[str] = []

    def number(m: re.Match[str]) -> str:
        param = m.group(1)
        if param is None:
            return m.group(0)
        if param not in order:
            order.append(param)
        return f"${order.index(param) + 1}"

    return Query(name, TOKEN.sub(number, sql), tuple(order))


def statements(text: str) -> Iterable[tuple[str, str]]:
    """(name, SQL) of each block of a file; lines that are only a comment are for the reader and are left out."""
    marks = list(NAME.finditer(text))
    for m, after in zip(marks, [*marks[1:], None], strict=True):
        lines = text[m.end() : after.start() if after else len(text)].splitlines()
        sql = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
        yield m.group(1), sql.strip().rstrip(";").rstrip()


def load(directory: Path = QUERIES_DIR) -> dict[str, Query]:
    """Every statement of every file, keyed `file.name`."""
    found: dict[str, Query] = {}
    for path in sorted(directory.glob("*.sql")):
        for name, sql in statements(path.read_text(encoding="utf-8")):
            key = f"{path.stem}.{name}"
            if key in found:
                raise ValueError(f"duplicate statement name {key}")
            found[key] = positional(key, sql)
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
