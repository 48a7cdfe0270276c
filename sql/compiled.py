"""A query's selection compiled to one statement that returns the response's JSON (PostGraphile's way).

The caller hands a plan: the selection as graphql-core collected it (fields merged, fragments and directives
applied), each field's arguments already checked and put in the store's terms. Each type's mapping (sql/read_model.py)
says how its fields are read; this module only joins them: an object is a json_build_object over its row, a list a
json_agg over a lateral subquery, a page of a connection its rows with cursors, pageInfo and totalCount (each only
when selected). Every client value is a bound parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from sql.ids import sql_cursor
from sql.loader import query

MAX_KEYS = 50  # json_build_object takes at most 100 arguments


class Unanswerable(ValueError):
    """A selection this compiler does not answer: normal execution answers it instead."""


@dataclass(frozen=True, slots=True)
class Sel:
    """One response key of a selection: the field it reads, its arguments (checked), and its own selection."""

    key: str
    field: str
    args: Mapping[str, Any] = default(default_factory=dict)
    sub: tuple[Sel, ...] | None = None


class Params:
    """The statement's bound parameters, numbered as they are added."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str) -> str:
        self.values.append(value)
        return f"${len(self.values)}::{cast}"


Rows = Callable[[str, Mapping[str, Any], Params], str]  # (parent's alias, arguments, params) → SELECT of the rows


@dataclass(frozen=True, slots=True)
class One:
    """A field answered by at most one row of another type."""

    target: str
    rows: Rows


@dataclass(frozen=True, slots=True)
class Many:
    """A list of another type, in the order of its `order` columns."""

    target: str
    rows: Rows
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """A Relay connection: `rows` gives the window (up to limit+1 rows, nearest the cursor first; arguments carry
    `window`), `count` the total, `cursor` the columns (and kinds) a cursor encodes, `order` the list's order (a
    column, or "column DESC")."""

    target: str
    rows: Rows
    count: Rows
    cursor: tuple[tuple[str, str], ...]
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeMap:
    """How one type is read: its scalar fields as SQL over its row (`{a}` the row's alias), and its relations."""

    name: str
    columns: Mapping[str, str]
    links: Mapping[str, One | Many | Page] = default(default_factory=dict)


def embed(text: str, names: Sequence[str], values: Mapping[str, str]) -> str:
    """A named statement's text with each of its parameters replaced by an SQL expression (a bound parameter of
    this statement, or a column of the row it is read for)."""
    return re.sub(r"\$(\d+)", lambda m: f"({values[names[int(m.group(1)) - 1]]})", text)


def statement(name: str, **values: str) -> str:
    """A named statement (sql/queries/*.sql) as a subquery, its parameters given as SQL expressions."""
    q = query(name)
    return embed(q.text, q.params, values)


def paged(name: str, args: Mapping[str, Any], p: Params, **values: str) -> str:
    """A keyset page statement (`name`, or `name_backward` when paging backward) for the window in `args`: up to
    one row more than asked for, nearest the cursor first."""
    w = args["window"]
    return statement(f"{name}_backward" if w.backward else name, limit=p(w.limit + 1, "int"), **values)


class Compiler:
    def __init__(self, types: Mapping[str, TypeMap]) -> None:
        self.types = types
        self.params = Params()
        self.n = 0

    def alias(self) -> str:
        self.n += 1
        return f"t{self.n}"

    def object(self, type_name: str, sels: Sequence[Sel], a: str) -> str:
        mapping = self.types.get(type_name)
        if mapping is None:
            raise Unanswerable(type_name)
        return _build([(s.key, self.value(mapping, s, a)) for s in sels])

    def value(self, mapping: TypeMap, s: Sel, a: str) -> str:
        if s.field == "__typename":
            return f"'{mapping.name}'::text"
        if s.field in mapping.columns and s.sub is None:
            return mapping.columns[s.field].format(a=a)
        link = mapping.links.get(s.field)
        if link is None or s.sub is None:
            raise Unanswerable(f"{mapping.name}.{s.field}")
        b = self.alias()
        rows = link.rows(a, s.args, self.params)
        if isinstance(link, One):
            return f"(SELECT {self.object(link.target, s.sub, b)} FROM ({rows}) {b} LIMIT 1)"
        if isinstance(link, Many):
            order = ", ".join(f"{b}.{c}" for c in link.order)
            item = self.object(link.target, s.sub, b)
            return f"(SELECT coalesce(json_agg({item} ORDER BY {order}), '[]'::json) FROM ({rows}) {b})"
        return self.page(link, s, a, rows)

    def page(self, link: Page, s: Sel, a: str, rows: str) -> str:
        window = s.args["window"]
        backward, limit = window.backward, self.params(window.limit, "int")
        x = self.alias()
        up = ", ".join(_direction(x, c, reverse=False) for c in link.order)
        down = ", ".join(_direction(x, c, reverse=True) for c in link.order)
        cursor = sql_cursor([(f"{x}.{c}", kind) for c, kind in link.cursor])
        w, pg = f"w{x}", f"p{x}"
        more = f"((SELECT count(*) FROM {w}) > {limit})"
        info = {
            "hasNextPage": f"{str(window.before is not None).lower()}" if backward else more,
            "hasPreviousPage": more if backward else f"{str(window.after is not None).lower()}",
            "startCursor": f"(SELECT {cursor} FROM {pg} {x} ORDER BY {up} LIMIT 1)",
            "endCursor": f"(SELECT {cursor} FROM {pg} {x} ORDER BY {down} LIMIT 1)",
            "__typename": "'PageInfo'::text",
        }
        edge_name = f"{link.target}Edge"
        parts = []
        for c in s.sub or ():
            if c.field == "__typename":
                value = f"'{link.target}Connection'::text"
            elif c.field == "totalCount" and c.sub is None:
                value = f"(SELECT * FROM ({link.count(a, s.args, self.params)}) c)"
            elif c.field == "pageInfo" and c.sub is not None:
                value = _build([(i.key, _known(info, i)) for i in c.sub])
            elif c.field == "edges" and c.sub is not None:
                edge = {"cursor": cursor, "__typename": f"'{edge_name}'::text"}
                keys = [
                    (e.key, self.object(link.target, e.sub, x) if e.field == "node" and e.sub else _known(edge, e))
                    for e in c.sub
                ]
                value = f"(SELECT coalesce(json_agg({_build(keys)} ORDER BY {up}), '[]'::json) FROM {pg} {x})"
            else:
                raise Unanswerable(f"{link.target}Connection.{c.field}")
            parts.append((c.key, value))
        order = down if backward else up
        return (
            f"(WITH {w} AS ({rows}), {pg} AS (SELECT * FROM {w} {x} ORDER BY {order} LIMIT {limit}) "
            f"SELECT {_build(parts)})"
        )


def _direction(alias: str, column: str, *, reverse: bool) -> str:
    """An ORDER BY item for `column` ("name", or "name DESC" for a list kept newest first), or its reverse."""
    name, _, desc = column.partition(" ")
    return f"{alias}.{name}" + (" DESC" if bool(desc) != reverse else "")


def _known(values: Mapping[str, str], s: Sel) -> str:
    if s.field not in values or s.sub is not None:
        raise Unanswerable(s.field)
    return values[s.field]


def _key(key: str) -> str:
    if not key.replace("_", "").isalnum():
        raise Unanswerable(key)
    return key


def _build(parts: Sequence[tuple[str, str]]) -> str:
    if len(parts) > MAX_KEYS:
        raise Unanswerable("too many keys")
    keys = ", ".join(f"'{_key(k)}', {v}" for k, v in parts)
    return f"json_build_object({keys})"


def compile_root(types: Mapping[str, TypeMap], root: str, sel: Sel) -> tuple[str, list[Any]]:
    """The statement answering one top-level field (its value, as JSON text), and its parameters."""
    c = Compiler(types)
    value = c.value(types[root], sel, "q")
    return f"SELECT ({value})::text", c.params.values
