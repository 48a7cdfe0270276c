"""The console's documents ship as a trusted manifest (api/console/persisted-documents.json), so the console works on
a server that runs trusted documents only: the manifest is exactly what the console sends."""

from __future__ import annotations

import json
import subprocess

from tests.clients.conftest import HERE, need_node

MANIFEST = HERE.parents[1] / "api" / "console" / "persisted-documents.json"


def test_the_console_manifest_is_what_the_console_sends() -> None:
    need_node()
    done = subprocess.run(
        ["node", str(HERE / "console_manifest.mjs")], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == json.loads(MANIFEST.read_text(encoding="utf-8")), (
        "the console's documents changed: node tests/clients/console_manifest.mjs > api/console/persisted-documents.json"
    )
