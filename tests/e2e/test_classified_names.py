"""Nothing names a classified meeting, body or action to a viewer who may not see it.

The fields are found by walking the schema itself: every Query field from which a Meeting, Body, Action or
Highlight can be reached is asked for, with every scalar field of every object on the way (so a sentence such as
the OPSG table's heading or its Markdown is read too), as each role, over a register with items of every
classification. A new field on any of those paths is walked without changing this test; a new required argument
fails it until the test is told what to pass. The OPSG table's downloads are read as well. Then each answer is
searched for the words of every item the viewer may not see (reference, title, text, global ID and, for an OPSG
meeting, the day the table's heading would name), and for the words of every item it may see (so the walk is
shown to reach them)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import graphql
import pytest

from domain.opsg.dates_numbers import long_day
from domain.roles import OPSG_READERS
from schema.export import sdl
from schema.relay import global_id
from sql import governance, parties
from tests.support.access import CLASSES, OWNERS, VIEWERS, sees

NAMERS = {"Meeting", "Body", "Action", "Highlight"}
MONTH = "2018-06"
# The most times one type appears on a path of the walk: enough to go Meeting -> Body -> its meetings -> Meeting.
REPEATS = 2
MAX_DEPTH = 10
# Values of required arguments: `$id` is each item's global ID in turn; None leaves the field to the lists that
# reach the same objects (a Modification by reference: `modifications` walks them all).
# None leaves a field out. whatIf is left out: what it can lead to (ReportSubmission) is walked from `submissions`.
ARGUMENTS: dict[str, Any] = {
    "month": MONTH,
    "id": "$id",
    "reference": None,
    "reportType": None,
    "fromPeriod": None,
    "toPeriod": None,
    "change": None,
}


@dataclass
class Item:
    owner: str
    classification: str
    words: list[str] = field(default_factory=list)
    node_ids: list[str] = field(default_factory=list)
    # The day the OPSG table's heading would name: only the month's first meeting the viewer may see is named.
    day: str | None = None


def _named(t: graphql.GraphQLType) -> graphql.GraphQLNamedType:
    return graphql.get_named_type(t)  # type: ignore[return-value]


class Walk:
    """Builds, from the schema alone, the operations that reach every field able to name a meeting, body or
    action."""

    def __init__(self, sdl: str) -> None:
        self.schema = graphql.build_schema(sdl)
        self.leads = self._leading_types()

    def _leading_types(self) -> set[str]:
        """The types from which a namer can be reached (the namers included)."""
        leads = set(NAMERS)
        grown = True
        while grown:
            grown = False
            for name, t in self.schema.type_map.items():
                if name in leads or name.startswith("__"):
                    continue
                reached = isinstance(t, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType) and any(
                    _named(f.type).name in leads for f in t.fields.values()
                )
                if isinstance(t, graphql.GraphQLInterfaceType):
                    reached |= any(o.name in leads for o in self.schema.get_implementations(t).objects)
                if reached:
                    leads.add(name)
                    grown = True
        return leads

    def _args(self, owner: str, name: str, f: graphql.GraphQLField) -> str | None:
        """The arguments of a field: required ones from the test's table (None: cannot be asked), the rest left
        to their defaults."""
        given = []
        for arg_name, arg in f.args.items():
            if not graphql.is_non_null_type(arg.type) or arg.default_value is not graphql.Undefined:
                continue
            if arg_name not in ARGUMENTS:
                pytest.fail(f"{owner}.{name} needs argument {arg_name!r}: add a value to ARGUMENTS")
            value = ARGUMENTS[arg_name]
            if value is None:
                return None
            given.append(f"{arg_name}: {value if value == '$id' else json.dumps(value)}")
        return f"({', '.join(given)})" if given else ""

    def selection(self, t: graphql.GraphQLNamedType, path: tuple[str, ...]) -> str:
        """Every scalar field of `t`, and every field leading to a namer, recursively."""
        if isinstance(t, graphql.GraphQLInterfaceType | graphql.GraphQLUnionType):
            objects = (
                self.schema.get_implementations(t).objects if isinstance(t, graphql.GraphQLInterfaceType) else t.types
            )
            parts = [f"... on {o.name} {{ {self.selection(o, path)} }}" for o in objects if o.name in self.leads]
            return " ".join(["__typename", *parts])
        assert isinstance(t, graphql.GraphQLObjectType)
        parts = ["__typename"]
        for name, f in t.fields.items():
            target = _named(f.type)
            args = self._args(t.name, name, f)
            if args is None:
                continue
            if isinstance(target, graphql.GraphQLScalarType | graphql.GraphQLEnumType):
                parts.append(f"{name}{args}")
            elif target.name in self.leads and path.count(target.name) < REPEATS and len(path) < MAX_DEPTH:
                parts.append(f"{name}{args} {{ {self.selection(target, (*path, target.name))} }}")
        return " ".join(parts)

    def operations(self) -> dict[str, str]:
        """One operation per Query field that leads to a namer."""
        query = self.schema.query_type
        assert query is not None
        found = {}
        for name, f in query.fields.items():
            target = _named(f.type)
            if target.name not in self.leads:
                continue
            args = self._args("Query", name, f)
            if args is not None:
                operation = f"{{ {name}{args} {{ {self.selection(target, (target.name,))} }} }}"
                found[name] = f"query($id: ID!) {operation}" if "$id" in operation else operation
        return found


SDL = sdl()
OPERATIONS = Walk(SDL).operations()


async def make_register(pool) -> list[Item]:
    """Per owner and classification: a meeting (OPSG's in the table's month, Red first so the table would name it
    first), a highlight and an action of that classification, and a White highlight and action on that meeting."""
    items: list[Item] = []
    async with pool.acquire() as conn, conn.transaction():
        bodies = {code: await governance.create_body(conn, code=code, name=code) for code in ("OPSG", "SSC", "PANEL")}
        for o, owner in enumerate(OWNERS):
            white_meeting = 0
            for n, cls in enumerate(reversed(CLASSES)):  # RED, AMBER, GREEN, WHITE
                held_on = date(2018, 6, 5 + n + 10 * o)
                tag = f"{owner}-{cls}"
                meeting = await governance.create_meeting(
                    conn,
                    body_id=bodies[owner].id,
                    reference=f"{owner}_{n + 1}_{cls}",
                    held_on=held_on,
                    title=f"meeting {tag}",
                    classification=cls,
                )
                white_meeting = meeting if cls == "WHITE" else white_meeting
                highlight = await governance.create_highlight(
                    conn,
                    body_id=bodies[owner].id,
                    meeting_id=meeting,
                    title=f"highlight {tag}",
                    body=f"highlight text {tag}",
                    classification=cls,
                    published_on=date(2019, 1, 1 + n + 10 * o),
                )
                pointer = await governance.create_highlight(
                    conn,
                    body_id=bodies[owner].id,
                    meeting_id=meeting,
                    title=f"pointer to {tag}",
                    body="a White highlight of a classified meeting",
                    classification="WHITE",
                    published_on=date(2019, 2, 1 + n + 10 * o),
                )
                words = [f"{owner}_{n + 1}_{cls}", f"meeting {tag}", f"highlight {tag}", f"highlight text {tag}"]
                ids = [str(global_id("Meeting", meeting)), str(global_id("Highlight", highlight))]
                items.append(Item(owner, cls, words, ids, long_day(held_on) if owner == "OPSG" else None))
                # The pointer is White: its own words are for everyone, only its meeting is classified.
                items.append(Item(owner, "WHITE", [f"pointer to {tag}"], [str(global_id("Highlight", pointer))]))
            for n, cls in enumerate(CLASSES):
                action = await governance.create_action(
                    conn,
                    reference=f"{owner}/{n + 1:02d}",
                    meeting_id=white_meeting,
                    kind="ACTION",
                    text=f"action {owner}-{cls}",
                    owner=None,
                    status="OPEN",
                    outcome=None,
                    due_on=None,
                    classification=cls,
                )
                items.append(
                    Item(
                        owner,
                        cls,
                        [f"action {owner}-{cls}", f"{owner}/{n + 1:02d}"],
                        [str(global_id("Action", action))],
                    )
                )
    return items


async def answers_of(viewer: str, key: str | None, items: list[Item], gql, client) -> str:
    """Everything the viewer is told through the walked fields and the OPSG table's downloads, as one text."""
    texts = []
    ids = [i for item in items for i in item.node_ids]
    for operation in OPERATIONS.values():
        # An operation taking an ID (node, ...) is asked once per item.
        for variables in [{"id": i} for i in ids] if "$id" in operation else [{}]:
            texts.append(json.dumps(await gql(operation, variables, key=key, expect_errors=True)))
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    for fmt in ("md", "csv", "html"):
        r = await client.get(f"/api/v1/opsg-report/{MONTH}.{fmt}", headers=headers)
        texts.append(r.text)
    return "\n".join(texts)


def test_the_walk_reaches_every_field_that_names_one():
    """The walk is found from the schema: it reaches the OPSG table's heading and Markdown and every namer."""
    assert Walk(SDL).leads >= NAMERS
    assert {"node", "bodies", "highlights", "actions", "opsgReport", "modifications"} <= set(OPERATIONS)
    assert "heading" in OPERATIONS["opsgReport"] and "markdown" in OPERATIONS["opsgReport"]


async def test_no_field_names_a_classified_item_to_a_viewer_who_may_not_see_it(pool, gql, client, api_keys):
    items = await make_register(pool)
    async with pool.acquire() as conn:
        party = await parties.create_party(conn, name="Alpha Energy", category="SMALL_SUPPLIER", voting_group_id=None)
    for viewer, (role, bodies, _, _) in VIEWERS.items():
        key = await api_keys.get(role, bodies=bodies, party_id=party if role == "party" else None)
        told = await answers_of(viewer, key, items, gql, client)
        for item in items:
            if sees(viewer, item.owner, item.classification):
                # Shown somewhere: the walk reaches it.
                assert all(w in told for w in item.words), (viewer, item)
            else:
                words = [*item.words, *(json.dumps(i) for i in item.node_ids), *([item.day] if item.day else [])]
                leaked = [w for w in words if w in told]
                assert not leaked, (viewer, item.owner, item.classification, leaked)
        # The table's heading names the first OPSG meeting of the month that the viewer may see.
        if role in OPSG_READERS:
            first = next(i for i in items if i.day and sees(viewer, i.owner, i.classification))
            assert f"at their meeting on {first.day}:" in told, viewer
