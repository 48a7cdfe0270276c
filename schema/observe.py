"""What the edge and the endpoint learn from executing an operation: its name (`OperationName`, for metrics and
the access log) and whether it got as far as executing (`Executed`).

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


class Executed(SchemaExtension):
    """Marks that the operation passed every check before execution (listed after them: parse, validation, cost),
    so the endpoint can tell an answer whose data was nulled while executing from a refusal (GraphQL over HTTP)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "executed"):
            context.executed = True
        yield
