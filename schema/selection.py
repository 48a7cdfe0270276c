"""What a query selects under the field being resolved, so a resolver fetches only the relations asked for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, fragments (named or inline) spread in place."""
    for s in selections:
        if isinstance(s, SelectedField):
            yield s
        elif isinstance(s, FragmentSpread | InlineFragment):
            yield from _fields(s.selections)


def selected(info: Any, *path: str) -> set[str]:
    """The names (schema names, camelCase) selected at `path` below the current field: `selected(info)` for its
    own sub-fields, `selected(info, "edges", "node")` for a connection's nodes. A field under @skip/@include counts
    as selected (fetching for it is harmless; missing it would not be)."""
    level: list[SelectedField] = list(_fields(info.selected_fields))
    for name in path:
        level = [f for parent in level for f in _fields(parent.selections) if f.name == name]
    return {f.name for parent in level for f in _fields(parent.selections)}
