"""One Settings: every field from one environment variable, read by entry points only, never written back."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from domain.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("api", "domain", "schema", "sql", "validation", "workers")


def test_unset_or_empty_variables_keep_the_defaults():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"DATABASE_URL": "", "SECGOV_MAX_ROWS": "  "}) == Settings()


def test_a_list_setting_is_read_as_a_tuple():
    settings = Settings.from_env({"SECGOV_CORS_ORIGINS": "http://localhost:5173, https://app.example"})
    assert settings.cors_origins == ("http://localhost:5173", "https://app.example")


def test_values_are_read_as_their_types():
    s = Settings.from_env(
        {
            "SECGOV_MAX_UPLOAD_BYTES": "268_435_456",
            "SECGOV_RESPONSE_CACHE": "off",
            "SECGOV_STATEMENT_TIMEOUT_S": "2.5",
            "SECGOV_DATA": "/tmp/x",
            "SECGOV_ENV": "production",
            "SECGOV_WORKER_METRICS_PORT": "9191",
            "BROKER_URL": "redis://r:6379/0",
        }
    )
    assert s.max_upload_bytes == 268_435_456 and s.response_cache is False and s.statement_timeout_s == 2.5
    assert s.data_dir == Path("/tmp/x") and s.production and s.worker_metrics_port == 9191
    assert s.broker_url == "redis://r:6379/0" and s.database_url is None


def test_a_wrong_value_names_its_variable():
    with pytest.raises(ValueError, match="SECGOV_MAX_ROWS='many'"):
        Settings.from_env({"SECGOV_MAX_ROWS": "many"})
    with pytest.raises(ValueError, match="SECGOV_RESPONSE_CACHE='maybe': expected on or off"):
        Settings.from_env({"SECGOV_RESPONSE_CACHE": "maybe"})


def test_a_child_process_gets_the_same_settings_from_to_env():
    s = Settings(database_url="postgresql://db/x", queue="q1", response_cache=False, max_rows=5)
    assert Settings.from_env(s.to_env()) == s


def test_every_setting_has_its_own_variable():
    names = [f.metadata.get("env") for f in dataclasses.fields(Settings)]
    assert all(names) and len(set(names)) == len(names)
    assert all(n in ("DATABASE_URL", "BROKER_URL") or n.startswith("SECGOV_") for n in names)


def _environ_readers_and_writers() -> tuple[list[str], list[str]]:
    reads, writes = [], []
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                target = node.targets[0] if isinstance(node, ast.Assign) else None
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "os.environ":
                    writes.append(where)
                if isinstance(node, ast.Call) and ast.unparse(node.func) in (
                    "os.environ.setdefault",
                    "os.environ.update",
                    "os.putenv",
                ):
                    writes.append(where)
                if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv"):
                    reads.append(where)
    return reads, writes


def test_nothing_writes_the_environment_and_settings_are_not_parsed_elsewhere():
    reads, writes = _environ_readers_and_writers()
    assert writes == []
    # The parsing child reads the one limit its parent hands it; every other setting comes from Settings.
    assert [r for r in reads if not r.startswith("workers/sandbox.py")] == []
