"""The read path's memory of plans stays bounded whatever the clients send: a few variable sets per document, a
number of documents, and the bytes of the statements kept."""

from __future__ import annotations

from graphql import parse

from domain.viewer import Viewer
from schema.reads import ReadPath

TEXT = "query($i: ID!) { node(id: $i) { id } }"


def _path(**bounds: int) -> ReadPath:
    path = ReadPath(**bounds)
    # The statements themselves do not matter here, only how many are kept: one of a fixed size per variable set.
    path.compile = lambda document, operation, variables, asking: (("node", "SELECT " + "x" * 100, [variables["i"]]),)  # type: ignore[method-assign]
    return path


def test_distinct_variables_keep_only_the_latest_few_per_document() -> None:
    path = _path(per_document=4)
    document = parse(TEXT)
    for i in range(1_000):
        path.statements(TEXT, document, None, {"i": str(i)}, Viewer())
    (kept,) = path.kept.values()
    assert len(kept) == 4
    assert [v.decode() for v in kept] == [f'{{"i":"{i}"}}' for i in range(996, 1_000)]
    assert path.bytes == sum(size for _, size in kept.values())


def test_documents_and_bytes_are_bounded_and_counted_back_when_dropped() -> None:
    path = _path(documents=10, per_document=2, max_bytes=5_000)
    for n in range(100):
        text = f"query Q{n}($i: ID!) {{ node(id: $i) {{ id }} }}"
        document = parse(text)
        for i in range(3):
            path.statements(text, document, None, {"i": str(i)}, Viewer())
    assert len(path.kept) <= 10
    assert path.bytes <= 5_000
    assert path.bytes == sum(size for kept in path.kept.values() for _, size in kept.values())


def test_a_kept_plan_is_answered_again_without_compiling() -> None:
    path = _path()
    document = parse(TEXT)
    first = path.statements(TEXT, document, None, {"i": "1"}, Viewer())
    path.compile = lambda *a: (_ for _ in ()).throw(AssertionError("compiled again"))  # type: ignore[method-assign]
    assert path.statements(TEXT, document, None, {"i": "1"}, Viewer()) is first
