"""How committee business is read (Highlight, Action, Meeting), declared once over the statements their resolvers
run. Who may see each item is decided by those statements (`can_see` with the viewer's role and bodies), so the
compiled path and the resolvers share it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sql.compiled import Many, One, Page, Params, TypeMap, listed, paged, statement
from sql.ids import sql_global_id

_HIGHLIGHT_FILTERS = {"body_code": "text", "from_date": "date", "to_date": "date", "text_contains": "text"}


def viewer_args(args: Mapping[str, Any], p: Params) -> dict[str, str]:
    """The viewer's clearance, as the statements' classification filters take it (domain/classification.py)."""
    return {name: p(value, "text[]") for name, value in args["viewer"].items()}


def _highlights(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    after, before = args["after"] or (None, None), args["before"] or (None, None)
    return paged(
        "highlights.page",
        args,
        p,
        **{k: p(f[k], cast) for k, cast in _HIGHLIGHT_FILTERS.items()},
        after_date=p(after[0], "date"),
        after_id=p(after[1], "bigint"),
        before_date=p(before[0], "date"),
        before_id=p(before[1], "bigint"),
        **viewer_args(args, p),
    )


def _highlight_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    values = {k: p(f[k], cast) for k, cast in _HIGHLIGHT_FILTERS.items()}
    return statement("highlights.count", **values, **viewer_args(args, p))


def _actions(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    return paged(
        "actions.page",
        args,
        p,
        meeting_id=p(f["meeting_id"], "bigint"),
        status=p(f["status"], "text"),
        after_reference=p(args["after"], "text"),
        before_reference=p(args["before"], "text"),
        **viewer_args(args, p),
    )


def _action_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    values = {"meeting_id": p(f["meeting_id"], "bigint"), "status": p(f["status"], "text")}
    return statement("actions.count", **values, **viewer_args(args, p))


def _meeting(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("meetings.by_ids", ids=f"ARRAY[{a}.meeting_id]", **viewer_args(args, p))


def body_of(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("bodies.by_ids", ids=f"ARRAY[{a}.body_id]")


def _meetings_of(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("meetings.page_of_bodies", body_ids=f"ARRAY[{a}.id]", **viewer_args(args, p))


def _meeting_page(a: str, args: Mapping[str, Any], p: Params) -> str:
    """A body's meetings the viewer may see, newest first, paged as its resolver pages the list."""
    return listed(_meetings_of(a, args, p), ("held_on DESC", "id DESC"), args, p)


def _meeting_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    return f"SELECT count(*) FROM ({_meetings_of(a, args, p)}) m"


TYPES: list[TypeMap] = [
    TypeMap(
        "Body",
        {"id": sql_global_id("Body", "{a}.id"), "code": "{a}.code", "name": "{a}.name"},
        {"meetings": Page("Meeting", _meeting_page, _meeting_count, (("id", "int"),), ("held_on DESC", "id DESC"))},
    ),
    TypeMap(
        "Highlight",
        {
            "id": sql_global_id("Highlight", "{a}.id"),
            "title": "{a}.title",
            "body": "{a}.body",
            "bodyCode": "{a}.body_code",
            "classification": "{a}.classification",
            "publishedOn": "{a}.published_on",
        },
        {"meeting": One("Meeting", _meeting)},
    ),
    TypeMap(
        "Action",
        {
            "id": sql_global_id("Action", "{a}.id"),
            "reference": "{a}.reference",
            "kind": "{a}.kind",
            "text": "{a}.text",
            "owner": "{a}.owner",
            "status": "{a}.status",
            "outcome": "{a}.outcome",
            "dueOn": "{a}.due_on",
            "classification": "{a}.classification",
        },
        {"meeting": One("Meeting", _meeting)},
    ),
    TypeMap(
        "Meeting",
        {
            "id": sql_global_id("Meeting", "{a}.id"),
            "reference": "{a}.reference",
            "heldOn": "{a}.held_on",
            "title": "{a}.title",
            "classification": "{a}.classification",
        },
        {"body": One("Body", body_of)},
    ),
]
QUERY_LINKS: dict[str, One | Many | Page] = {
    "bodies": Many("Body", lambda a, args, p: statement("bodies.list"), ("code",)),
    "highlights": Page(
        "Highlight",
        _highlights,
        _highlight_count,
        (("published_on", "text"), ("id", "int")),
        ("published_on DESC", "id DESC"),
    ),
    "actions": Page("Action", _actions, _action_count, (("reference", "text"),), ("reference",)),
}
