"""How each read-model type is read, declared once: its rows come from the same named statements that the resolvers
run (sql/queries/*.sql), its fields are SQL over those rows, its relations name the statement that finds the related
rows and with what. sql/compiled.py joins these into one statement per top-level field.

Rows of a type carry what they are read with: a Party's and a Voting Group's rows carry the day they are read as of
(`day`) and whether that day was asked for (`explicit`: their IDs then name the day, and only members count).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.lifecycle import MEMBER_STATUSES
from sql import read_model_governance as governance
from sql import read_model_modifications as modifications
from sql import read_model_reports as reports
from sql.compiled import Many, One, Page, Params, TypeMap, paged, statement
from sql.ids import sql_global_id

FOREVER = "DATE '9999-12-31'"  # every recorded event, future-dated ones included
LAST_DAY = "DATE '9999-12-30'"  # the last day a period can be read on (sql/parties.py)


def held(day: str) -> str:
    return f"least({day}, {LAST_DAY})"


def _members_are(p: Params) -> str:
    """The statuses a member Party has, handed to the statements as data (domain/lifecycle.py decides them)."""
    return p(list(MEMBER_STATUSES), "text[]")


def dated(type_name: str) -> str:
    return sql_global_id(type_name, "{a}.id", "CASE WHEN {a}.explicit THEN {a}.day END")


def _with_day(rows: str, day: str, explicit: str) -> str:
    return f"SELECT r.*, ({day})::date AS day, ({explicit})::bool AS explicit FROM ({rows}) r"


# Query: the top-level fields. Their arguments are checked and put in the store's terms by the planner.
def _parties(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    day = p(f["as_of"], "date")
    rows = paged(
        "parties.page",
        args,
        p,
        as_of=held(day),
        members_only=p(f["members_only"], "bool"),
        category=p(f["category"], "text"),
        status=p(f["status"], "text"),
        name_contains=p(f["name_contains"], "text"),
        voting_group_id=p(f["voting_group_id"], "bigint"),
        member_statuses=_members_are(p),
        after_name=p(args["after"][0] if args["after"] else None, "text"),
        after_id=p(args["after"][1] if args["after"] else None, "bigint"),
        before_name=p(args["before"][0] if args["before"] else None, "text"),
        before_id=p(args["before"][1] if args["before"] else None, "bigint"),
    )
    return _with_day(rows, day, p(f["members_only"], "bool"))


def _party_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    values = {k: p(f[k], cast) for k, cast in _FILTERS.items()}
    return statement("parties.count", as_of=held(p(f["as_of"], "date")), member_statuses=_members_are(p), **values)


_FILTERS = {
    "members_only": "bool",
    "category": "text",
    "status": "text",
    "name_contains": "text",
    "voting_group_id": "bigint",
}


def _party(a: str, args: Mapping[str, Any], p: Params) -> str:
    day = p(args["as_of"], "date")
    rows = statement("parties.by_ids", ids=f"ARRAY[{p(args['id'], 'bigint')}]", as_of=held(day))
    return _with_day(rows, day, p(args["explicit"], "bool"))


def _voting_groups(a: str, args: Mapping[str, Any], p: Params) -> str:
    day, explicit = p(args["as_of"], "date"), p(args["explicit"], "bool")
    rows = statement(
        "voting_groups.list",
        category=p(args["category"], "text"),
        as_of=f"CASE WHEN {explicit} THEN {held(day)} END",
        member_statuses=_members_are(p),
    )
    return _with_day(rows, day, explicit)


def _statistics(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement(
        "parties.statistics", from_month=p(args["from_month"], "date"), to_month=p(args["to_month"], "date")
    )


# Relations of one row to others.
def _group_of(column: str, day: str, explicit: str) -> One:
    def rows(a: str, args: Mapping[str, Any], p: Params) -> str:
        found = statement("voting_groups.by_ids", ids=f"ARRAY[{a}.{column}]")
        return _with_day(found, day.format(a=a), explicit.format(a=a))

    return One("VotingGroup", rows)


def _events(a: str) -> str:
    until = f"CASE WHEN {a}.explicit THEN {a}.day ELSE {FOREVER} END"
    return statement("parties.events_by_parties", ids=f"ARRAY[{a}.id]", as_of=until)


def _event_page(a: str, args: Mapping[str, Any], p: Params) -> str:
    """A Party's events after (and before) the events the cursors name; none when a cursor names none of them."""
    w = args["window"]
    conditions = ["true"]
    for pk, op in ((args["after"], ">"), (args["before"], "<")):
        if pk is not None:
            at = p(pk, "bigint")
            conditions.append(f"(e.occurred_on, e.id) {op} (SELECT x.occurred_on, x.id FROM l x WHERE x.id = {at})")
    direction = "DESC" if w.backward else ""
    return (
        f"WITH l AS ({_events(a)}) SELECT e.* FROM l e WHERE {' AND '.join(conditions)} "
        f"ORDER BY e.occurred_on {direction}, e.id {direction} LIMIT {p(w.limit + 1, 'int')}"
    )


def _roles(a: str, args: Mapping[str, Any], p: Params) -> str:
    return (
        f"SELECT e.* FROM ({_events(a)}) e "
        f"WHERE e.kind = 'UEP_COMPLETED' AND e.user_role IS NOT NULL AND e.occurred_on <= {a}.day"
    )


def _last_event(a: str, args: Mapping[str, Any], p: Params) -> str:
    """The last of the Party's events (in the list's order) up to the day it is read as of."""
    return (
        f"SELECT e.* FROM ({_events(a)}) e WHERE e.occurred_on <= {a}.day "
        "ORDER BY e.occurred_on DESC, e.id DESC LIMIT 1"
    )


def _members(a: str, args: Mapping[str, Any], p: Params) -> str:
    rows = statement(
        "parties.by_voting_groups",
        ids=f"ARRAY[{a}.id]",
        as_of=held(f"{a}.day"),
        members_only=f"{a}.explicit",
        member_statuses=_members_are(p),
    )
    return _with_day(rows, f"{a}.day", f"{a}.explicit")


def _party_of_event(a: str, args: Mapping[str, Any], p: Params) -> str:
    day = p(args["today"], "date")
    rows = statement("parties.by_ids", ids=f"ARRAY[{a}.party_id]", as_of=held(day))
    return _with_day(rows, day, "false")


def _by_category(a: str, args: Mapping[str, Any], p: Params) -> str:
    """The counted categories in their order, each with its count in the month's row."""
    names = p(list(args["categories"]), "text[]")
    return (
        f"SELECT c.category, c.n, coalesce(({a}.voting_groups_by_category ->> c.category)::int, 0) AS count "
        f"FROM unnest({names}) WITH ORDINALITY AS c(category, n)"
    )


TYPES: dict[str, TypeMap] = {
    t.name: t
    for t in [
        TypeMap(
            "Query",
            {},
            {
                "parties": Page("Party", _parties, _party_count, (("name", "text"), ("id", "int")), ("name", "id")),
                "party": One("Party", _party),
                "votingGroups": Many("VotingGroup", _voting_groups, ("name", "id")),
                "membershipStatistics": Many("MembershipMonth", _statistics, ("month",)),
                **reports.QUERY_LINKS,
                **modifications.QUERY_LINKS,
                **governance.QUERY_LINKS,
            },
        ),
        TypeMap(
            "Party",
            {
                "id": dated("Party"),
                "name": "{a}.name",
                "category": "{a}.category",
                "status": "{a}.status",
                "accededOn": "{a}.acceded_on",
                "note": "{a}.note",
            },
            {
                "votingGroup": _group_of("voting_group_id", "{a}.day", "{a}.explicit"),
                "events": Page(
                    "PartyEvent",
                    _event_page,
                    lambda a, _, __: f"SELECT count(*) FROM ({_events(a)}) e",
                    (("id", "int"),),
                    ("occurred_on", "id"),
                ),
                "userRoles": Many("UserRole", _roles, ("occurred_on", "id")),
                "lastEvent": One("PartyEvent", _last_event),
            },
        ),
        TypeMap(
            "VotingGroup",
            {"id": dated("VotingGroup"), "name": "{a}.name", "category": "{a}.category"},
            {"parties": Many("Party", _members, ("name", "id"))},
        ),
        TypeMap(
            "PartyEvent",
            {
                "id": sql_global_id("PartyEvent", "{a}.id"),
                "kind": "{a}.kind",
                "occurredOn": "{a}.occurred_on",
                "note": "{a}.note",
                "userRole": "{a}.user_role",
                "userId": "{a}.user_id",
                "category": "{a}.category",
            },
            {"votingGroup": _group_of("voting_group_id", FOREVER, "false"), "party": One("Party", _party_of_event)},
        ),
        TypeMap("UserRole", {"role": "{a}.user_role", "userId": "{a}.user_id", "since": "{a}.occurred_on"}),
        TypeMap(
            "MembershipMonth",
            {
                "month": "{a}.month",
                "accessions": "{a}.accessions",
                "inDefault": "{a}.in_default",
                "withdrawals": "{a}.withdrawals",
                "expulsions": "{a}.expulsions",
                "partiesAtMonthEnd": "{a}.parties_at_month_end",
                "votingGroupsAtMonthEnd": "{a}.voting_groups_at_month_end",
                "complete": "{a}.complete",
            },
            {"votingGroupsByCategory": Many("CategoryCount", _by_category, ("n",))},
        ),
        TypeMap("CategoryCount", {"category": "{a}.category", "count": "{a}.count"}),
        *reports.TYPES,
        *modifications.TYPES,
        *governance.TYPES,
    ]
}
