"""Length limits on every text a mutation takes (arguments and the fields of its input objects, in lists too),
checked before the mutation runs: a text over its limit answers the payload error INVALID_INPUT naming the field
and the limit, and nothing is read or written for it.

The limits (domain.limits) follow the type and the name: an ID is short, prose (comment, note, body...) may be
long, any other text is a name or a code. Lists are limited in length too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types import get_object_definition, has_object_definition

# strawberry exports no other way to see through an argument's `X | None` and `list[X]` (StrawberryField.type, the
# documented entry, holds these); tests/e2e/test_gaps_limits.py fails on every text input if they change.
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.utils.str_converters import to_camel_case

from domain.limits import MAX_ID_CHARS, MAX_LIST_ITEMS, text_limit, too_long
from schema.context import Info
from schema.errors import ErrorCode, UserError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Text:
    limit: int


@dataclass(frozen=True, slots=True)
class ListOf:
    item: Spec | None


@dataclass(frozen=True, slots=True)
class InputOf:
    fields: tuple[tuple[str, str, Spec], ...]  # (Python name, GraphQL name, what it may hold)


Spec = Text | ListOf | InputOf


def spec_of(annotation: Any, name: str) -> Spec | None:
    """What a value of this type may hold that has a length; None for what has none (numbers, dates, files)."""
    while isinstance(annotation, StrawberryOptional):
        annotation = annotation.of_type
    if isinstance(annotation, StrawberryList):
        return ListOf(spec_of(annotation.of_type, name))
    if annotation is strawberry.ID:
        return Text(MAX_ID_CHARS)
    if annotation is str:
        return Text(text_limit(name))
    definition = get_object_definition(annotation) if has_object_definition(annotation) else None
    if definition is not None and definition.is_input:
        found = []
        for f in definition.fields:
            inner = spec_of(f.type, f.python_name)
            if inner is not None:
                found.append((f.python_name, f.graphql_name or to_camel_case(f.python_name), inner))
        return InputOf(tuple(found))
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def problem(value: Any, spec: Spec, path: str) -> tuple[str, str] | None:
    """(field, message) for the first text or list in value over its limit; None when all are within."""
    if value is None:
        return None
    if isinstance(spec, Text):
        message = too_long(path, value, spec.limit) if isinstance(value, str) else None
        return (path, message) if message else None
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return None
        if len(value) > MAX_LIST_ITEMS:
            return path, f"{path} has {len(value):,} items; the limit is {MAX_LIST_ITEMS:,}"
        for i, item in enumerate(value):
            found = problem(item, spec.item, f"{path}[{i}]") if spec.item else None
            if found:
                return found
        return None
    for python_name, graphql_name, inner in spec.fields:
        found = problem(getattr(value, python_name, None), inner, _join(path, graphql_name))
        if found:
            return found
    return None


class Bounded(FieldExtension):
    """Refuses a mutation whose arguments carry a text or list over its limit, as its payload's INVALID_INPUT."""

    def apply(self, field: Any) -> None:  # a StrawberryField: its type, python_name and arguments are stable API
        payload = field.type
        if not (isinstance(payload, type) and has_object_definition(payload)):
            raise TypeError(f"mutation {field.python_name} must answer a payload type, not {payload!r}")
        self.payload: type[Any] = payload
        # An input object's fields are named on their own ("note", not "input.note"), as other payload errors are.
        self.arguments = [
            (a.python_name, spec, "" if isinstance(spec, InputOf) else (a.graphql_name or to_camel_case(a.python_name)))
            for a in field.arguments
            if (spec := spec_of(a.type, a.python_name)) is not None
        ]

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        for python_name, spec, path in self.arguments:
            found = problem(kwargs.get(python_name), spec, path)
            if found:
                field, message = found
                return self.refusal(UserError(code=ErrorCode.INVALID_INPUT, message=message, field=field))
        return await next_(source, info, **kwargs)

    def refusal(self, error: UserError) -> Any:
        """The payload with nothing but the error (every payload has `errors`; its other fields are nullable)."""
        fields = get_object_definition(self.payload, strict=True).fields
        return self.payload(**{f.python_name: None for f in fields if f.python_name != "errors"}, errors=[error])


def bounded(cls: type[T]) -> type[T]:
    """Class decorator for the root Mutation: every field checks the lengths of its inputs first."""
    for field in get_object_definition(cls, strict=True).fields:
        if not any(isinstance(e, Bounded) for e in field.extensions):
            field.extensions.append(Bounded())
    return cls
