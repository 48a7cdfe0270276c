"""Tells the edge which GraphQL operation a request ran, so metrics and the access log can name it."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class OperationName(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        request = getattr(self.execution_context.context, "request", None)
        state = getattr(request, "scope", {}).get("state") if request is not None else None
        if isinstance(state, dict):
            # The edge shares this dict (the ASGI scope's state) and reads it once the answer is sent.
            state["graphql_operation"] = self.execution_context.operation_name


class Executed(SchemaExtension):
    """Marks that the operation passed every check before execution (listed after them: parse, validation, cost),
    so the endpoint can tell an answer whose data was nulled while executing from a refusal (GraphQL over HTTP)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "executed"):
            context.executed = True
        yield
