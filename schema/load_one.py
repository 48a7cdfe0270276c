"""One object by its primary key through the request's DataLoaders: what `node(id:)` and every mutation payload do.

`pick` chooses the loader (`lambda ls: ls.meeting`), `make` turns its row into the GraphQL object; a hidden or absent
row is None, as is a caller outside `roles` when they are given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

from strawberry.dataloader import DataLoader

from schema.context import Info
from schema.loaders import Loaders

R = TypeVar("R")
T = TypeVar("T")
Pick = Callable[[Loaders], DataLoader[int, R | None]]
Resolver = Callable[[Info, int], Awaitable[T | None]]


async def load_one(info: Info, pick: Pick[R], make: Callable[[R], T], pk: int | None) -> T | None:
    """The object with this key as the caller may see it; None for no key (a refused mutation), hidden or absent."""
    row = await pick(info.context.loaders).load(pk) if pk else None
    return make(row) if row is not None else None


def resolver(pick: Pick[R], make: Callable[[R], T], roles: Collection[str] | None = None) -> Resolver[T]:
    """`load_one` as a function of (info, pk), for the roles given (everyone when None)."""

    async def resolve(info: Info, pk: int) -> T | None:
        if roles is not None and info.context.viewer.role not in roles:
            return None
        return await load_one(info, pick, make, pk)

    return resolve
