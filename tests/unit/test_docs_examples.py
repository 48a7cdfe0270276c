"""Every GraphQL example in the README and docs/ is valid against the schema, so the docs keep up with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate

from schema.root import build_schema as build_ours

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    """(where, document) for every top-level operation in a graphql block; blocks hold one or more."""
    found = []
    for page in PAGES:
        documents = [d for block in BLOCK.findall(page.read_text(encoding="utf-8")) for d in operations(block)]
        found += [(f"{page.relative_to(ROOT)} #{n}", d) for n, d in enumerate(documents, start=1)]
    return found


def operations(block: str) -> list[str]:
    """Split a block into its operations at the lines that start one (a block may list several)."""
    parts: list[list[str]] = []
    for line in block.splitlines():
        starts = re.match(r"(query|mutation|subscription)\b|\{", line) is not None
        if starts or not parts:
            parts.append([])
        parts[-1].append(line)
    return [text for text in ("\n".join(p).strip() for p in parts) if text and not text.startswith("#")]


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(build_ours().as_str())


def test_the_docs_have_examples() -> None:
    assert len(examples()) >= 10


@pytest.mark.parametrize(("where", "document"), examples(), ids=[w for w, _ in examples()])
def test_example_is_valid_against_the_schema(schema: GraphQLSchema, where: str, document: str) -> None:
    errors = validate(schema, parse(document))
    assert not errors, f"{where}:\n{document}\n" + "\n".join(e.message for e in errors)
