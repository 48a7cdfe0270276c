"""How modifications are read (Modification and its events), declared once over the statements
their resolvers run. All of it is public."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sql.compiled import Many, One, Page, Params, TypeMap, paged, statement
from sql.ids import sql_global_id
from sql.read_model_governance import body_of

_FILTERS = {"stage": "text", "path": "text", "text_contains": "text", "raised_from": "date", "raised_to": "date"}


def _modifications(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    return paged(
        "modifications.page",
        args,
        p,
        **{k: p(f[k], cast) for k, cast in _FILTERS.items()},
        after_reference=p(args["after"], "text"),
        before_reference=p(args["before"], "text"),
    )


def _count(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("modifications.count", **{k: p(args["filter"][k], cast) for k, cast in _FILTERS.items()})


def _events(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("modifications.events_by_modifications", ids=f"ARRAY[{a}.id]")


TYPES: list[TypeMap] = [
    TypeMap(
        "Modification",
        {
            "id": sql_global_id("Modification", "{a}.id"),
            "reference": "{a}.reference",
            "formerReferences": "{a}.former_references",
            "title": "{a}.title",
            "path": "{a}.path",
            "stage": "{a}.stage",
            "proposer": "{a}.proposer",
            "raisedOn": "{a}.raised_on",
            "workingGroup": "{a}.working_group",
            "release": "{a}.release",
            "implementedOn": "{a}.implemented_on",
            "partiesImpacted": "{a}.parties_impacted",
            "secSections": "{a}.sec_sections",
        },
        {"events": Many("ModificationEvent", _events, ("occurred_on", "id"))},
    ),
    TypeMap(
        "ModificationEvent",
        {
            "id": sql_global_id("ModificationEvent", "{a}.id"),
            "kind": "{a}.kind",
            "occurredOn": "{a}.occurred_on",
            "note": "{a}.note",
            "stage": "{a}.stage",
            "outcome": "{a}.outcome",
        },
        {"body": One("Body", body_of)},
    ),
]
QUERY_LINKS = {
    "modifications": Page("Modification", _modifications, _count, (("reference", "text"),), ("reference",)),
}
