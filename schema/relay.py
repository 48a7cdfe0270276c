"""Relay plumbing: the Node interface, opaque global IDs and cursors, and keyset-paged connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import orjson
import strawberry

from schema.errors import BadId, bad_user_input, too_complex
from schema.selection import selected

T = TypeVar("T")
R = TypeVar("R")
MAX_PAGE = 100
DEFAULT_PAGE = 20


@strawberry.interface
class Node:
    id: strawberry.ID


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("="))


def parse_global_id(value: str) -> tuple[str, int]:
    """(type name, primary key) of a global ID; BadId when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, _, pk = text.partition(":")
        if not type_name.isidentifier() or not pk.isdigit() or len(pk) > 18:
            raise ValueError(text)
        return type_name, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise BadId(f"{value!r} is not a valid ID", field="id") from e


def pk_of(value: str, type_name: str, *, field: str = "id") -> int:
    """The primary key of a global ID that must name `type_name`."""
    try:
        kind, pk = parse_global_id(value)
    except BadId as e:
        raise BadId(e.message, field=field) from e
    if kind != type_name:
        raise BadId(f"{value!r} is not the ID of a {type_name}", field=field)
    return pk


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key), default=str)).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        key = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as e:
        raise BadId(f"{cursor!r} is not a valid cursor", field="after") from e
    if not isinstance(key, list) or len(key) != arity:
        raise BadId(f"{cursor!r} is not a valid cursor", field="after")
    return key


def page_size(first: int | None) -> int:
    """The page size asked for, refused above MAX_PAGE before any SQL runs."""
    if first is None:
        return DEFAULT_PAGE
    if first > MAX_PAGE:
        raise too_complex(f"first: {first} is more than the maximum page size of {MAX_PAGE}")
    if first < 0:
        raise bad_user_input(f"first: {first} must not be negative")
    return first


def needs_page(info: Any) -> bool:
    """Whether a connection's rows are asked for at all (`{ totalCount }` alone needs only the count)."""
    return bool(selected(info) & {"edges", "pageInfo"})


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match, across all pages (only what the caller may see).")
    async def total_count(self) -> int:
        return await self.counter()


def connection(
    rows: Sequence[R], *, limit: int, after: str | None, key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T], counter: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """Build a connection from up to limit+1 rows fetched after the cursor (the extra row tells hasNextPage)."""
    shown = list(rows[:limit])
    edges = [Edge(cursor=encode_cursor(key(r)), node=node(r)) for r in shown]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > limit,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        counter=counter,
    )


def in_memory(items: Sequence[R], *, first: int | None, after: str | None, key: Callable[[R], int],
              node: Callable[[R], T]) -> Connection[T]:
    """Page a short list already loaded (a Party's events): keyset on a position key."""
    limit = page_size(first)
    start = 0
    if after is not None:
        try:
            (last,) = decode_cursor(after, 1)
        except BadId as e:
            raise bad_user_input(e.message) from e
        if not isinstance(last, int) or isinstance(last, bool):
            raise bad_user_input(f"{after!r} is not a valid cursor")
        start = next((i + 1 for i, item in enumerate(items) if key(item) == last), len(items))
    rows = list(items[start:start + limit + 1])

    async def total() -> int:
        return len(items)

    return connection(rows, limit=limit, after=after, key=lambda r: [key(r)], node=node, counter=total)
