"""Relay plumbing: the Node interface, opaque global IDs and cursors, and keyset-paged connections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from schema.errors import BadId, bad_user_input, too_complex
from schema.selection import selected
from sql import ids

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")
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
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items to return from the end of the list (or of what comes before `before`): at most "
        f"{MAX_PAGE}. Not with first."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Return the items before this cursor: the startCursor (or an edge's cursor) of the page after."
    ),
]


@strawberry.interface(description="An object with a global ID, which node(id:) finds again.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's global ID: opaque, stable, the same in GraphQL, REST and the command line."
    )


def global_id(type_name: str, pk: int, day: date | None = None) -> strawberry.ID:
    """The object's global ID; `day` for an object read as of that day (sql/ids.py holds the format)."""
    return strawberry.ID(ids.global_id(type_name, pk, day))


def parse_node_id(value: str) -> tuple[str, int, date | None]:
    """(type name, primary key, the day it was read as of or None) of a global ID; BadId when it is not one of ours."""
    try:
        return ids.parse_global_id(value)
    except ids.NotAnId as e:
        raise BadId(str(e), field="id") from e


def parse_global_id(value: str) -> tuple[str, int]:
    """(type name, primary key) of a global ID; BadId when it is not one of ours."""
    type_name, pk, _ = parse_node_id(value)
    return type_name, pk


def pk_of(value: str, type_name: str, *, field: str = "id") -> int:
    """The primary key of a global ID that must name `type_name` (read as of any day: the same object)."""
    try:
        kind, pk = parse_global_id(value)
    except BadId as e:
        raise BadId(e.message, field=field) from e
    if kind != type_name:
        raise BadId(f"{value!r} is not the ID of a {type_name}", field=field)
    return pk


def encode_cursor(key: Sequence[Any]) -> str:
    return ids.encode_cursor(key)


def decode_cursor(cursor: str, arity: int, *, field: str = "after") -> list[Any]:
    try:
        return ids.decode_cursor(cursor, arity)
    except ids.NotAnId as e:
        raise BadId(str(e), field=field) from e


def page_size(first: int | None, name: str = "first") -> int:
    """The page size asked for, refused above MAX_PAGE before any SQL runs."""
    if first is None:
        return DEFAULT_PAGE
    if first > MAX_PAGE:
        raise too_complex(f"{name}: {first} is more than the maximum page size of {MAX_PAGE}")
    if first < 0:
        raise bad_user_input(f"{name}: {first} must not be negative")
    return first


@dataclass(frozen=True, slots=True)
class Window:
    """Which page of a list is asked for: forward (first, after) or backward (last, before; Relay's backward
    paging), either bounded by the other cursor as well."""

    limit: int
    after: str | None = None
    before: str | None = None
    backward: bool = False


def keys_of(w: Window, arity: int, convert: Callable[[list[Any]], K]) -> tuple[K | None, K | None]:
    """The list positions the window's cursors name (after, before); BAD_USER_INPUT naming a cursor that is not one."""

    def key(cursor: str | None) -> K | None:
        if cursor is None:
            return None
        try:
            return convert(ids.decode_cursor(cursor, arity))
        except (ids.NotAnId, ValueError, TypeError) as e:
            raise bad_user_input(f"{cursor!r} is not a valid cursor") from e

    return key(w.after), key(w.before)


def text_key(key: list[Any]) -> str:
    """A one-part position that is a text (a reference)."""
    if not isinstance(key[0], str):
        raise ValueError(key)
    return key[0]


def id_key(key: list[Any]) -> int:
    """A one-part position that is an id."""
    return int(key[0])


def window(first: int | None, after: str | None, last: int | None = None, before: str | None = None) -> Window:
    if first is not None and last is not None:
        raise bad_user_input("first and last cannot be given together: page forward or backward")
    if last is not None:
        return Window(page_size(last, "last"), after, before, backward=True)
    return Window(page_size(first), after, before)


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


def page_of(
    rows: Sequence[R],
    w: Window,
    *,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
    counter: Callable[[], Awaitable[int]],
) -> Connection[T]:
    """The connection of a window's page: up to its limit+1 rows, fetched as the window asks."""
    return connection(
        rows, limit=w.limit, after=w.after, before=w.before, backward=w.backward, key=key, node=node, counter=counter
    )


def connection(
    rows: Sequence[R],
    *,
    limit: int,
    after: str | None,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
    counter: Callable[[], Awaitable[int]],
    before: str | None = None,
    backward: bool = False,
) -> Connection[T]:
    """Build a connection from up to limit+1 rows fetched after the cursor (the extra row tells hasNextPage); when
    paging backward, fetched before `before` nearest first (the extra row tells hasPreviousPage)."""
    shown = list(rows[:limit])
    if backward:
        shown.reverse()
    edges = [Edge(cursor=encode_cursor(key(r)), node=node(r)) for r in shown]
    more = len(rows) > limit
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=before is not None if backward else more,
            has_previous_page=more if backward else after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        counter=counter,
    )


def _position(items: Sequence[R], cursor: str, key: Callable[[R], int], field: str) -> int | None:
    try:
        (at,) = decode_cursor(cursor, 1, field=field)
    except BadId as e:
        raise bad_user_input(e.message) from e
    if not isinstance(at, int) or isinstance(at, bool):
        raise bad_user_input(f"{cursor!r} is not a valid cursor")
    return next((i for i, item in enumerate(items) if key(item) == at), None)


def in_memory(
    items: Sequence[R],
    *,
    first: int | None,
    after: str | None,
    key: Callable[[R], int],
    node: Callable[[R], T],
    last: int | None = None,
    before: str | None = None,
) -> Connection[T]:
    """Page a short list already loaded (a Party's events): a cursor is an item's position key; a cursor of no
    item of the list leaves nothing after (or before) it."""
    w = window(first, after, last, before)
    start, end = 0, len(items)
    if after is not None:
        found = _position(items, after, key, "after")
        start = len(items) if found is None else found + 1
    if before is not None:
        found = _position(items, before, key, "before")
        end = 0 if found is None else found
    between = list(items[start:end])
    rows = between[::-1][: w.limit + 1] if w.backward else between[: w.limit + 1]

    async def total() -> int:
        return len(items)

    return page_of(
        rows,
        w,
        key=lambda r: [key(r)],
        node=node,
        counter=total,
    )
