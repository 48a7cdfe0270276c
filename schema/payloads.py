"""Mutations' answers as payloads: the role checked, one transaction, expected refusals returned as payload errors;
then the object made or changed, loaded as the caller may see it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import TypeVar

import asyncpg

from domain.errors import Refusal
from domain.roles import check_role
from schema.context import Info
from schema.errors import ErrorCode, UserError, user_error
from schema.load_one import Pick, load_one
from sql.db import Conn

T = TypeVar("T")
R = TypeVar("R")


def refusal(info: Info, roles: Collection[str]) -> UserError | None:
    """The payload error for a viewer whose role is not among `roles`; None when it is."""
    try:
        check_role(info.context.viewer.role, roles)
    except Refusal as e:
        return user_error(e)
    return None


async def answer(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """(result, []) once a use case has committed, or (None, [errors]) with nothing changed."""
    try:
        return await call, []
    except Refusal as e:
        return None, [user_error(e)]
    except asyncpg.UniqueViolationError as e:
        return None, [UserError(code=ErrorCode.CONFLICT, message=f"already exists: {e.detail or e}")]
    except (asyncpg.CheckViolationError, asyncpg.ForeignKeyViolationError, asyncpg.DataError) as e:
        return None, [UserError(code=ErrorCode.INVALID_INPUT, message=f"not accepted: {e.detail or e}")]


async def run(
    info: Info, roles: Collection[str], action: Callable[[Conn], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """(result, []) after committing, or (None, [errors]) with nothing changed."""

    async def in_transaction() -> T:
        check_role(info.context.viewer.role, roles)
        async with info.context.connection() as conn, conn.transaction():
            return await action(conn)

    return await answer(in_transaction())


async def run_then_load(
    info: Info,
    roles: Collection[str],
    action: Callable[[Conn], Awaitable[int]],
    pick: Pick[R],
    make: Callable[[R], T],
) -> tuple[T | None, list[UserError]]:
    """`run` an action that answers the primary key of what it made or changed, then load that object (None when
    refused)."""
    pk, errors = await run(info, roles, action)
    return await load_one(info, pick, make, pk), errors
