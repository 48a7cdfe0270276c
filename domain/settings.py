"""Settings: every one from one environment variable, with a working default (docs/operations.md, "Settings").

Read once per process by its entry point (`Settings.from_env(os.environ)`: the `secgov` command, a worker
process, a benchmark) and passed down from there; nothing writes back into the environment. A process started
by another is given its environment explicitly (`Settings.to_env`).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.limits import MAX_ROWS, MAX_UPLOAD_BYTES, MIB

_ON, _OFF = ("on", "true", "1", "yes"), ("off", "false", "0", "no")
DATA_DIR = Path(".secgov")


def setting(env: str, default: Any) -> Any:
    """A field read from the environment variable `env`."""
    return field(default=default, metadata={"env": env})


@dataclass(frozen=True)
class Settings:
    database_url: str | None = setting("DATABASE_URL", None)
    broker_url: str | None = setting("BROKER_URL", None)
    data_dir: Path = setting("SECGOV_DATA", DATA_DIR)  # noqa: RUF009 - a Path is immutable
    env: str = setting("SECGOV_ENV", "development")
    max_upload_bytes: int = setting("SECGOV_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    max_rows: int = setting("SECGOV_MAX_ROWS", MAX_ROWS)
    max_attempts: int = setting("SECGOV_MAX_ATTEMPTS", 3)
    requeue_after_s: int = setting("SECGOV_REQUEUE_AFTER_S", 300)
    # A run's lease on its submission, renewed every third of it while the run works (workers/lease.py).
    lease_s: int = setting("SECGOV_LEASE_S", 60)
    missing_lookback_days: int = setting("SECGOV_MISSING_LOOKBACK_DAYS", 90)
    webhook_url: str | None = setting("SECGOV_WEBHOOK_URL", None)
    max_exceptions_per_rule: int = setting("SECGOV_MAX_EXCEPTIONS_PER_RULE", 500)
    rate_limits: str = setting("SECGOV_RATE_LIMITS", "uploads=60/minute;graphql=1200/minute")
    rate_limit_storage: str | None = setting("SECGOV_RATE_LIMIT_STORAGE", None)
    # The API's edge (docs/operations.md, "The edge"): origins a browser may call from, proxies whose forwarded
    # headers name the client, the largest JSON body at /graphql (and WebSocket message).
    cors_origins: tuple[str, ...] = setting("SECGOV_CORS_ORIGINS", ())
    trusted_proxies: tuple[str, ...] = setting("SECGOV_TRUSTED_PROXIES", ())
    max_json_bytes: int = setting("SECGOV_MAX_JSON_BYTES", MIB)
    # The read path's bounds and its response cache (docs/architecture.md, "The read path").
    statement_timeout_s: float = setting("SECGOV_STATEMENT_TIMEOUT_S", 5.0)
    acquire_timeout_s: float = setting("SECGOV_ACQUIRE_TIMEOUT_S", 2.0)
    response_cache: bool = setting("SECGOV_RESPONSE_CACHE", True)
    response_cache_bytes: int = setting("SECGOV_RESPONSE_CACHE_BYTES", 64 * MIB)
    query_cost_budget: int = setting("SECGOV_QUERY_COST_BUDGET", 10_000)
    # `trusted`: only documents registered by `secgov documents add` run (docs/front-end.md, "Persisted queries").
    documents: str = setting("SECGOV_DOCUMENTS", "any")
    # Parsing untrusted files: columns a file may have, and the limits of the worker's parsing child processes.
    max_columns: int = setting("SECGOV_MAX_COLUMNS", 200)
    sandbox_memory_mb: int = setting("SECGOV_SANDBOX_MEMORY_MB", 4096)
    sandbox_cpu_seconds: int = setting("SECGOV_SANDBOX_CPU_SECONDS", 600)
    # The workers' queue (the webhook's is this name + "_webhook"); tests give each run its own.
    queue: str = setting("SECGOV_QUEUE", "validation")
    # Redis broker: a dead worker's messages return to the queue once its heartbeat is this old; maintenance
    # (requeueing those) runs on this share of commands, out of a million.
    redis_heartbeat_ms: int = setting("SECGOV_REDIS_HEARTBEAT_MS", 30_000)
    redis_maintenance_chance: int = setting("SECGOV_REDIS_MAINTENANCE_CHANCE", 1000)
    # A `secgov worker` serves Dramatiq's Prometheus metrics on this port when set.
    worker_metrics_port: int | None = setting("SECGOV_WORKER_METRICS_PORT", None)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def webhook_queue(self) -> str:
        return self.queue + "_webhook"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """The settings an environment gives; unset or empty variables keep their defaults."""
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f.metadata.get("env", ""), "").strip()
            if raw:
                values[f.name] = _parse(f.metadata["env"], raw, hints[f.name])
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment variables that give these settings, for a process this one starts."""
        out: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                out[f.metadata["env"]] = ",".join(value)
            elif value is not None:
                out[f.metadata["env"]] = ("on" if value else "off") if isinstance(value, bool) else str(value)
        return out

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _parse(name: str, raw: str, kind: Any) -> Any:
    """One variable's text as its setting's type; a wrong value names the variable."""
    # `X | None` is read as X; any other type (a tuple of origins, say) as itself.
    args = typing.get_args(kind)
    base = next(a for a in args if a is not type(None)) if type(None) in args else kind
    try:
        if base is bool:
            if raw.lower() in _ON:
                return True
            if raw.lower() in _OFF:
                return False
            raise ValueError("expected on or off")
        if base is int:
            return int(raw.replace("_", ""))
        if base is float:
            return float(raw)
        if base is Path:
            return Path(raw)
        if typing.get_origin(base) is tuple:  # a list, comma-separated
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw
    except ValueError as e:
        raise ValueError(f"{name}={raw!r}: {e}") from None
