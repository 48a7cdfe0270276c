"""`secgov documents add FILE`: trusted documents from a persisted-documents manifest (a JSON object of SHA-256 →
document, as GraphQL Code Generator's client preset writes it with `hashAlgorithm: 'sha256'`). All or nothing: every
document must be named by its own SHA-256 and valid against the schema, or none is registered."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import graphql

from api.settings import Settings
from schema.persisted import sha256_of
from sql import db, documents


def problems(manifest: Any, types: graphql.GraphQLSchema) -> list[str]:
    """What is wrong with a manifest, each naming its entry; empty when every document may be registered."""
    if not isinstance(manifest, dict) or not manifest:
        return ["the manifest must be a JSON object of SHA-256 hash → GraphQL document, with at least one entry"]
    found: list[str] = []
    for key, document in manifest.items():
        if not isinstance(document, str):
            found.append(f"{key}: the value must be the document's text")
            continue
        if key.removeprefix("sha256:") != sha256_of(document):
            found.append(
                f"{key}: not the SHA-256 of its document ({sha256_of(document)}); generate the manifest with "
                "hashAlgorithm 'sha256'"
            )
            continue
        try:
            errors = graphql.validate(types, graphql.parse(document))
        except graphql.GraphQLError as e:
            errors = [e]
        found += [f"{key}: {e.message}" for e in errors]
    return found


async def register(database_url: str, manifest: dict[str, str]) -> int:
    """Register every document in one transaction; the number that were not trusted before."""
    conn = await db.connect(database_url)
    try:
        async with conn.transaction():
            added = [await documents.trust(conn, sha256=sha256_of(d), document=d) for d in manifest.values()]
    finally:
        await conn.close()
    return sum(added)


def cmd_documents(args: argparse.Namespace, settings: Settings) -> int:
    from api.cli import fail, resolve_urls
    from schema.root import build_schema

    path = Path(args.file)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return fail(f"{path}: {e}")
    found = problems(manifest, graphql.build_schema(build_schema().as_str()))
    if found:
        return fail(f"{path}: nothing registered; {len(found)} problem(s):\n  " + "\n  ".join(found))
    settings = resolve_urls(settings)
    added = asyncio.run(register(settings.database_url or "", manifest))
    print(f"{len(manifest)} trusted document(s) from {path}: {added} new, {len(manifest) - added} already registered")
    return 0


def add_parser(sub: Any) -> None:
    documents_parser = sub.add_parser("documents", help="register trusted GraphQL documents (SECGOV_DOCUMENTS)")
    documents_sub = documents_parser.add_subparsers(dest="documents_command", required=True)
    add = documents_sub.add_parser("add", help="register the documents of a persisted-documents manifest")
    add.add_argument("file", help="persisted-documents.json: {sha256: document}")
