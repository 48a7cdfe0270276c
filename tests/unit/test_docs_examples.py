"""Every GraphQL example in the README and docs/ is one named operation, valid against the schema, so each can be
pasted into GraphiQL or a client as it is; and the codegen configuration the front-end guide shows is the one the
test suite runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

from schema.root import build_schema as build_ours

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    """(where, document) for every graphql block."""
    found = []
    for page in PAGES:
        blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
        found += [(f"{page.relative_to(ROOT)} #{n}", block) for n, block in enumerate(blocks, start=1)]
    return found


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(build_ours().as_str())


def test_the_docs_have_examples() -> None:
    assert len(examples()) >= 10


@pytest.mark.parametrize(("where", "document"), examples(), ids=[w for w, _ in examples()])
def test_example_is_one_named_valid_operation(schema: GraphQLSchema, where: str, document: str) -> None:
    parsed = parse(document)
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1, f"{where}: a block holds one operation, so it can be pasted as it is"
    assert operations[0].name is not None, f"{where}: name the operation (clients and codegen need names)"
    errors = validate(schema, parsed)
    assert not errors, f"{where}:\n{document}\n" + "\n".join(e.message for e in errors)


def test_the_front_end_guide_maps_every_custom_scalar_as_the_suite_does() -> None:
    config = (ROOT / "tests" / "clients" / "codegen.ts").read_text(encoding="utf-8")
    scalars = re.search(r"\n( +scalars: \{\n.*?\n +\},)\n", config, re.S)
    assert scalars is not None
    custom = set(re.findall(r"^scalar (\w+)", (ROOT / "schema.graphql").read_text(encoding="utf-8"), re.M))
    assert custom >= {"Date", "DateTime", "JSON", "Upload"}
    assert custom == set(re.findall(r"(\w+): \"", scalars.group(1))), "codegen.ts maps every custom scalar"
    guide = (ROOT / "docs" / "front-end.md").read_text(encoding="utf-8")
    assert scalars.group(1) in guide, "docs/front-end.md shows the scalar mappings tests/clients/codegen.ts uses"
