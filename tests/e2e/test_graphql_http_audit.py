"""The graphql-http server audit (npm graphql-http, auditServer) against the running app: no error, no warning."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from api.app import create_app
from api.settings import Settings
from tests.conftest import need_tool
from tests.support.server import LiveServer

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
# Warnings we would accept by design, each explained in docs/operations.md ("Limits and protections"); none today.
ACCEPTED_WARNINGS: set[str] = set()


def test_audit_has_no_errors_and_no_warnings(dsn):
    need_tool(
        shutil.which("node") is not None and (NODE_DIR / "node_modules" / "graphql-http").exists(),
        "Node and the audit package (cd tests/node && npm ci)",
    )
    app = create_app(Settings(database_url=dsn))
    with LiveServer(app) as server:
        out = subprocess.run(
            ["node", str(NODE_DIR / "audit.mjs"), f"{server.url}/graphql"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    results = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(results) > 20
    errors = [r for r in results if r["status"] == "error"]
    warnings = [r for r in results if r["status"] == "warn" and r["id"] not in ACCEPTED_WARNINGS]
    assert errors == [], errors
    assert warnings == [], warnings
