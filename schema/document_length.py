"""A bound on the GraphQL document's length, checked before the lexer runs (tokens alone let whitespace and
comments through: a 5 MB document of spaces has few tokens). Refused as QUERY_TOO_COMPLEX (schema/errors.py)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

MAX_DOCUMENT_CHARS = 100_000  # code points; the console's largest query is a few kB


class DocumentSize(SchemaExtension):
    def __init__(self, *, max_chars: int = MAX_DOCUMENT_CHARS) -> None:
        self.max_chars = max_chars

    def on_operation(self) -> Iterator[None]:
        # As strawberry's MaxTokensLimiter sets max_tokens: parse_options go to graphql-core's parse, whose
        # max_source_length is public; strawberry's ParseOptions type names only max_tokens (hence the ignore).
        # tests/e2e/test_limits.py ("5 MB query of white space") fails if strawberry stops forwarding them.
        self.execution_context.parse_options["max_source_length"] = self.max_chars  # type: ignore[typeddict-unknown-key]
        yield
