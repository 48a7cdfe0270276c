"""Which GraphQL operation a request ran, told to the edge so metrics and the access log can name it.

The edge opens a note for each request (`noting_operation`); executing the operation (this extension) or answering
it from the response cache writes the name in it; the edge reads it once the answer is sent. A context variable
carries the note, as it does the request id: the whole request runs in the edge's context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from strawberry.extensions import SchemaExtension


@dataclass(slots=True)
class OperationNote:
    """The operation a request ran: None until GraphQL has run one (or outside /graphql)."""

    name: str | None = None


_NOTE: ContextVar[OperationNote | None] = ContextVar("secgov_graphql_operation", default=None)


@contextmanager
def noting_operation() -> Iterator[OperationNote]:
    """A fresh note for the request being answered inside the block."""
    note = OperationNote()
    token = _NOTE.set(note)
    try:
        yield note
    finally:
        _NOTE.reset(token)


def note_operation(name: str | None) -> None:
    """Write the operation's name in the current request's note (nothing when no edge opened one)."""
    note = _NOTE.get()
    if note is not None:
        note.name = name


def noted_operation() -> str | None:
    note = _NOTE.get()
    return note.name if note is not None else None


class OperationName(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        note_operation(self.execution_context.operation_name)
