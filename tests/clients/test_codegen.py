"""GraphQL Code Generator 7 (client preset) makes types from schema.graphql for a small typed client that tsc
compiles (the custom scalars mapped, error codes and roles as enums), and the persisted-documents manifest that
`secgov documents add` registers for a server that runs trusted documents only."""

from __future__ import annotations

import json
import subprocess

import httpx

from api.cli import main
from tests.clients.conftest import HERE, need_node, serve

GENERATED = HERE / "typed" / "gql"


def run(*command: str) -> None:
    done = subprocess.run(command, cwd=HERE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"


def test_codegen_types_compile_and_its_manifest_runs_as_trusted_documents(dsn, monkeypatch, capsys) -> None:
    need_node()
    run(str(HERE / "node_modules" / ".bin" / "graphql-codegen"), "--config", "codegen.ts")
    generated = (GENERATED / "graphql.ts").read_text(encoding="utf-8")
    assert "accededOn: string | null" in generated  # Date mapped to string, not unknown
    assert "export type ErrorCode =" in generated and "export type Role =" in generated
    run(str(HERE / "node_modules" / ".bin" / "tsc"), "-p", "typed/tsconfig.json")

    manifest = GENERATED / "persisted-documents.json"
    documents = json.loads(manifest.read_text(encoding="utf-8"))
    monkeypatch.setenv("DATABASE_URL", dsn)
    assert main(["documents", "add", str(manifest)]) == 0
    assert f"{len(documents)} new" in capsys.readouterr().out

    api, server = serve(dsn, {"SECGOV_DOCUMENTS": "trusted"})
    try:
        by_name = {text.split("(")[0].split("{")[0].split()[-1]: key for key, text in documents.items()}
        ask = {"persistedQuery": {"version": 1, "sha256Hash": by_name["WhoAmI"]}}
        answer = httpx.post(api.graphql, json={"extensions": ask}).json()
        assert answer == {"data": {"viewer": {"bodies": [], "role": "public"}}}
        refused = httpx.post(api.graphql, json={"query": "{ viewer { role } }"}).json()
        assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    finally:
        server.stop()
