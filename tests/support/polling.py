"""Waiting for a condition rather than for a time: poll until it holds, fail saying what never happened."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], T | Awaitable[T]], *, what: str, timeout: float = 60, interval: float = 0.05
) -> T:
    """The first truthy value of `check()` (awaited when it is a coroutine), polled every `interval` seconds;
    AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        value: T = await answer if inspect.isawaitable(answer) else answer
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not so after {timeout} s (last seen: {value!r})")
        await asyncio.sleep(interval)
