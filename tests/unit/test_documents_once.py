"""A document that parsed and validated once is neither parsed nor validated again by strawberry; one that was
refused is refused again, with its own error, each time. Fails if strawberry stops treating an extension that sets
the validation errors as having validated (schema/documents.py)."""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry
from graphql import ValidationRule
from strawberry.extensions import AddValidationRules

from schema.documents import KnownDocuments, ParseAndValidateOnce


class Counting(ValidationRule):
    """Counts how often validation runs (graphql-core makes one rule object per validation)."""

    runs: ClassVar[int] = 0

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        Counting.runs += 1


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


def test_a_known_document_is_not_validated_again_and_a_refused_one_always_is() -> None:
    known = KnownDocuments()
    schema = strawberry.Schema(
        query=Query, extensions=[lambda: ParseAndValidateOnce(known), lambda: AddValidationRules([Counting])]
    )
    Counting.runs = 0
    for _ in range(3):
        assert schema.execute_sync("{ hello }").data == {"hello": "hi"}
    assert Counting.runs == 1
    assert len(known.valid) == 1
    for _ in range(2):
        result = schema.execute_sync("{ nope }")
        assert result.errors and "nope" in result.errors[0].message
    assert Counting.runs == 3
    assert len(known.valid) == 1
