"""Selections of a query as plain tuples, and the shapes that answer them from rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from graphql import FieldNode

from schema.cost import argument

Getter = Callable[[Any], Any]
Selection = list[tuple[str, str, "Selection | None"]]  # (response key, field name, sub-selection)

PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename")


class NotDirect(Exception):
    """The operation is not one answered here."""


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def plain(attribute: str) -> Getter:
    return lambda row: getattr(row, attribute)


@dataclass(frozen=True)
class Shape:
    """The fields of one type answered from its row."""

    typename: str
    fields: dict[str, Getter]
    relations: dict[str, tuple[str, Shape]]  # field → (the row's id attribute, the related type's shape)

    def json(self, selection: Selection, row: Any, related: Mapping[str, Mapping[int, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, name, sub in selection:
            if name == "__typename":
                out[key] = self.typename
            elif name in self.relations:
                attribute, shape = self.relations[name]
                target = related[name].get(getattr(row, attribute)) if getattr(row, attribute) is not None else None
                out[key] = shape.json(sub or [], target, {}) if target is not None else None
            else:
                out[key] = self.fields[name](row)
        return out

    def check(self, selection: Selection | None) -> set[str]:
        """The relations a selection asks for; NotDirect when it asks for anything not answered here."""
        if selection is None:
            raise NotDirect
        wanted: set[str] = set()
        for _, name, sub in selection:
            if name in self.relations:
                self.relations[name][1].check(sub)
                wanted.add(name)
            elif name != "__typename" and (name not in self.fields or sub is not None):
                raise NotDirect
        return wanted


def selection_of(node: FieldNode) -> Selection | None:
    if node.selection_set is None:
        return None
    out: Selection = []
    for s in node.selection_set.selections:
        if not isinstance(s, FieldNode) or s.directives:
            raise NotDirect  # fragments and @skip/@include: the ordinary way
        out.append((s.alias.value if s.alias else s.name.value, s.name.value, selection_of(s)))
    return out


def arguments(node: FieldNode, variables: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    names = {a.name.value for a in node.arguments or ()}
    if names - set(allowed):
        raise NotDirect
    values = {name: argument(node, name, variables) for name in allowed}
    first, after = values.get("first"), values.get("after")
    if (first is not None and type(first) is not int) or (after is not None and not isinstance(after, str)):
        raise NotDirect
    return values


def check_page_info(sub: Selection | None) -> None:
    """NotDirect when a pageInfo selection asks for anything not answered here."""
    if any(f not in PAGE_INFO for _, f, _ in sub or []):
        raise NotDirect


def page_info(
    sub: Selection | None, more: bool, after: str | None, start: str | None, end: str | None
) -> dict[str, Any]:
    """A connection's pageInfo, as selected."""
    info = {
        "hasNextPage": more,
        "hasPreviousPage": after is not None,
        "startCursor": start,
        "endCursor": end,
        "__typename": "PageInfo",
    }
    return {k: info[f] for k, f, _ in sub or []}
