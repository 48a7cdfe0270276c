"""A real uvicorn server for WebSocket and browser tests: the app on a free loopback port, in a background thread
with its own event loop (and its own pool, opened by the app's lifespan)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import replace
from types import TracebackType
from typing import Any

import uvicorn

from api.app import create_app
from api.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    """`with LiveServer(app) as server:` → `server.url` is http://127.0.0.1:PORT; stopped (and joined) on exit."""

    @classmethod
    def for_database(cls, dsn: str, settings: Settings | None = None) -> LiveServer:
        settings = replace(settings or Settings(), database_url=dsn)
        return cls(create_app(settings))

    def __init__(self, app: Any, *, startup_timeout: float = 30) -> None:
        self.startup_timeout = startup_timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="on", ws="websockets-sansio", timeout_graceful_shutdown=2
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name=f"live-server-{self.port}", daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve(sockets=[self.sock]))
        except BaseException as e:  # noqa: BLE001 - uvicorn exits (SystemExit) when startup fails; start() says so
            self.error = e

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self.server.started:
            if self.error is not None or not self.thread.is_alive():
                raise RuntimeError(f"the live server did not start: {self.error!r}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the live server did not start within {self.startup_timeout}s")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
