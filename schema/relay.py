"""Relay plumbing: the Node interface, opaque global IDs and cursors, and keyset-paged connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import Annotated, Any, Generic, TypeVar

import orjson
import strawberry

from schema.errors import BadId, bad_user_input, too_complex
from schema.selection import selected

T = TypeVar("T")
R = TypeVar("R")
MAX_PAGE = 100
DEFAULT_PAGE = 20

# The paging arguments of every list that is a connection, described once.
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items to return: at most {MAX_PAGE} (more is refused as QUERY_TOO_COMPLEX); "
        f"{DEFAULT_PAGE} when not given."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items after this cursor: the endCursor (or an edge's cursor) of the page before."
    ),
]


@strawberry.interface(description="An object with a global ID, which node(id:) finds again.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's global ID: opaque, stable, the same in GraphQL, REST and the command line."
    )


@lru_cache(maxsize=200_000)  # a page shows the same few thousand IDs all day; each one is a base64 encoding
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


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether this page was asked for after a cursor.")
    start_cursor: str | None = strawberry.field(description="The cursor of the page's first item; null if empty.")
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last item: pass it as after to get the next page; null if empty."
    )


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="The item's position in the list, to page on from it (after).")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay connection): the items, where the page stands, the total.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in the list's order.")
    page_info: PageInfo = strawberry.field(description="Whether more pages follow, and the cursors to reach them.")
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match, across all pages (only what the caller may see).")
    async def total_count(self) -> int:
        return await self.counter()


def connection(
    rows: Sequence[R],
    *,
    limit: int,
    after: str | None,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
    counter: Callable[[], Awaitable[int]],
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


def in_memory(
    items: Sequence[R], *, first: int | None, after: str | None, key: Callable[[R], int], node: Callable[[R], T]
) -> Connection[T]:
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
    rows = list(items[start : start + limit + 1])

    async def total() -> int:
        return len(items)

    return connection(rows, limit=limit, after=after, key=lambda r: [key(r)], node=node, counter=total)
