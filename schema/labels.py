"""`labels`: the words for the schema's enum values, so a front end keeps no list of its own."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.labels import labelled


@strawberry.type(description="How an enum value is shown to a person.")
class Label:
    kind: str = strawberry.field(
        description="The enum's name in the schema (ReviewAction, Delivery, ...), or FindingDetail for the keys of a "
        "finding's details."
    )
    value: str = strawberry.field(description="The value, as the schema spells it.")
    text: str = strawberry.field(description="The value in words.")
    done_text: str | None = strawberry.field(
        description="For a review action, what is said once it is done (Acknowledged); null otherwise."
    )


@strawberry.type
class LabelQuery:
    @strawberry.field(
        description="The words for the values of ReviewAction, ExceptionStatus, Severity, SubmissionStatus, "
        "Delivery and PartyCategory and for the keys of a finding's details (FindingDetail), each kind in the "
        "order shown."
    )
    def labels(
        self,
        kinds: Annotated[
            list[str] | None, strawberry.argument(description="Only these enums (by name); all when null.")
        ] = None,
    ) -> list[Label]:
        return [
            Label(kind=kind, value=v, text=text, done_text=done)
            for kind, words in labelled().items()
            if kinds is None or kind in kinds
            for v, (text, done) in words.items()
        ]
