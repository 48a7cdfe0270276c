"""Documents parsed and validated once per process: a front end sends the same few query texts all day, and parsing
and validating them again is most of what a cheap read costs in Python.

Only documents that parsed and validated without error are remembered (by their exact text), so every refusal is
still made, and with its own error, each time. Validity does not depend on variables, and the schema and its
rules are fixed for the life of the schema object that owns this memory."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

MAX_DOCUMENTS = 512


class KnownDocuments:
    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self.size = size
        self.valid: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, query: str) -> DocumentNode | None:
        document = self.valid.get(query)
        if document is not None:
            self.valid.move_to_end(query)
        return document

    def add(self, query: str, document: DocumentNode) -> None:
        self.valid[query] = document
        while len(self.valid) > self.size:
            self.valid.popitem(last=False)


class ParseAndValidateOnce(SchemaExtension):
    def __init__(self, known: KnownDocuments) -> None:
        self.known = known
        self.hit = False

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        document = self.known.get(ec.query) if ec.query else None
        if document is not None:
            ec.graphql_document = document  # strawberry parses only when no document is set
            self.hit = True
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        if self.hit:
            # Validated before. An extension that sets the errors stands for validation, as strawberry's own
            # ValidationCache does; tests/unit/test_documents_once.py fails if strawberry validates again.
            ec.pre_execution_errors = []
        yield
        if not self.hit and not ec.pre_execution_errors and ec.query and ec.graphql_document is not None:
            self.known.add(ec.query, ec.graphql_document)
