"""Settings from the environment; every one has a working default (docs/operations.md, "Settings")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw.replace("_", "")) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def _on(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no"):
        return False
    raise ValueError(f"{name}={raw!r}: expected on or off")


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    broker_url: str | None = None
    data_dir: Path = Path(".secgov")
    env: str = "development"
    max_upload_bytes: int = 256 * 1024 * 1024
    max_rows: int = 10_000_000
    max_attempts: int = 3
    requeue_after_s: int = 300
    missing_lookback_days: int = 90
    webhook_url: str | None = None
    max_exceptions_per_rule: int = 500
    rate_limits: str = "uploads=60/minute;graphql=1200/minute"
    rate_limit_storage: str | None = None
    # The read path's bounds and its response cache (README "Limits").
    statement_timeout_s: float = 5.0
    acquire_timeout_s: float = 2.0
    response_cache: bool = True
    response_cache_bytes: int = 64 * 1024 * 1024
    query_cost_budget: int = 20_000
    # Parsing untrusted files: columns a file may have, and the limits of the worker's parsing child processes.
    max_columns: int = 200
    sandbox_memory_mb: int = 4096
    sandbox_cpu_seconds: int = 600
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            broker_url=env.get("BROKER_URL") or None,
            data_dir=Path(env.get("SECGOV_DATA", ".secgov")),
            env=env.get("SECGOV_ENV", "development"),
            max_upload_bytes=_int("SECGOV_MAX_UPLOAD_BYTES", 256 * 1024 * 1024),
            max_rows=_int("SECGOV_MAX_ROWS", 10_000_000),
            max_attempts=_int("SECGOV_MAX_ATTEMPTS", 3),
            requeue_after_s=_int("SECGOV_REQUEUE_AFTER_S", 300),
            missing_lookback_days=_int("SECGOV_MISSING_LOOKBACK_DAYS", 90),
            webhook_url=env.get("SECGOV_WEBHOOK_URL") or None,
            max_exceptions_per_rule=_int("SECGOV_MAX_EXCEPTIONS_PER_RULE", 500),
            rate_limits=env.get("SECGOV_RATE_LIMITS", "uploads=60/minute;graphql=1200/minute"),
            rate_limit_storage=env.get("SECGOV_RATE_LIMIT_STORAGE") or None,
            statement_timeout_s=_float("SECGOV_STATEMENT_TIMEOUT_S", 5.0),
            acquire_timeout_s=_float("SECGOV_ACQUIRE_TIMEOUT_S", 2.0),
            response_cache=_on("SECGOV_RESPONSE_CACHE", True),
            response_cache_bytes=_int("SECGOV_RESPONSE_CACHE_BYTES", 64 * 1024 * 1024),
            query_cost_budget=_int("SECGOV_QUERY_COST_BUDGET", 20_000),
            max_columns=_int("SECGOV_MAX_COLUMNS", 200),
            sandbox_memory_mb=_int("SECGOV_SANDBOX_MEMORY_MB", 4096),
            sandbox_cpu_seconds=_int("SECGOV_SANDBOX_CPU_SECONDS", 600),
        )
