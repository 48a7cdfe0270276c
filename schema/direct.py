"""Hot reads answered straight from their rows, as PostGraphile answers a whole operation from its SQL.

graphql-core resolves each field of each object through strawberry's resolver machinery: a page of 100 Parties
with their Voting Groups is some 900 field resolutions, several times the cost of the SQL. When an operation
asks only for pages of Parties or exceptions, with plain fields and their to-one relations (no fragments, no
directives, no filter), or for membershipStatistics' plain fields, it is answered here instead: the same statements
on the request's connection (page, relations in one batch each, count; each only when selected), and the answer
built in one pass over the rows.
Anything else (or any doubt: an argument to check, a viewer without rights) goes the ordinary way, which gives the
same answer and every error (a test compares the two on many selections).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from graphql import ExecutionResult, FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from domain.roles import REPORT_READERS
from schema.cost import argument, operation_of, with_defaults
from schema.register.queries import COUNTED_CATEGORIES, party_page_args, statistics_months
from schema.relay import encode_cursor, global_id
from schema.reports.queries import exception_cursor, exception_page_args
from sql import catalogue, exceptions, pages, parties, submissions
from sql.db import Conn

Getter = Callable[[Any], Any]
Selection = list[tuple[str, str, "Selection | None"]]  # (response key, field name, sub-selection)


class NotDirect(Exception):
    """The operation is not one answered here."""


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(attribute: str) -> Getter:
    return lambda row: getattr(row, attribute)


@dataclass(frozen=True)
class Shape:
    """The fields of one type answered from its row."""

    typename: str
    fields: dict[str, Getter]
    relations: dict[str, tuple[str, Shape]]  # field → (the row's id attribute, the related type's shape)

    def json(self, selection: Selection, row: Any, related: Mapping[str, Mapping[int, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, name, sub in selection:
            if name == "__typename":
                out[key] = self.typename
            elif name in self.relations:
                attribute, shape = self.relations[name]
                target = related[name].get(getattr(row, attribute)) if getattr(row, attribute) is not None else None
                out[key] = shape.json(sub or [], target, {}) if target is not None else None
            else:
                out[key] = self.fields[name](row)
        return out

    def check(self, selection: Selection | None) -> set[str]:
        """The relations a selection asks for; NotDirect when it asks for anything not answered here."""
        if selection is None:
            raise NotDirect
        wanted: set[str] = set()
        for _, name, sub in selection:
            if name in self.relations:
                self.relations[name][1].check(sub)
                wanted.add(name)
            elif name != "__typename" and (name not in self.fields or sub is not None):
                raise NotDirect
        return wanted


REPORT_TYPE = Shape(
    "ReportType",
    {
        "id": lambda t: global_id("ReportType", t.id),
        "code": _plain("code"),
        "name": _plain("name"),
        "secClause": _plain("sec_clause"),
    },
    {},
)
SUBMISSION = Shape(
    "ReportSubmission",
    {
        "id": lambda s: global_id("ReportSubmission", s.id),
        "period": _plain("period"),
        "receivedAt": lambda s: _iso(s.received_at),
        "dueAt": lambda s: _iso(s.due_at),
        "delivery": _plain("delivery"),
        "status": _plain("status"),
        "sha256": lambda s: s.sha256.hex(),
        "filename": _plain("filename"),
        "rowCount": _plain("row_count"),
        "sizeBytes": _plain("size_bytes"),
    },
    {},
)
EXCEPTION = Shape(
    "ReportException",
    {
        "id": lambda e: global_id("ReportException", e.id),
        "ruleCode": _plain("rule_code"),
        "severity": _plain("severity"),
        "status": _plain("status"),
        "subject": _plain("subject"),
        "message": _plain("message"),
        "secClause": _plain("sec_clause"),
        "details": _plain("details"),
        "period": _plain("period"),
        "firstFlaggedAt": lambda e: _iso(e.first_flagged_at),
        "lastRaisedAt": lambda e: _iso(e.last_raised_at),
    },
    {"reportType": ("report_type_id", REPORT_TYPE), "submission": ("submission_id", SUBMISSION)},
)


def selection_of(node: FieldNode) -> Selection | None:
    if node.selection_set is None:
        return None
    out: Selection = []
    for s in node.selection_set.selections:
        if not isinstance(s, FieldNode) or s.directives:
            raise NotDirect  # fragments and @skip/@include: the ordinary way
        out.append((s.alias.value if s.alias else s.name.value, s.name.value, selection_of(s)))
    return out


def _under(selection: Selection, *path: str) -> list[Selection]:
    """Every sub-selection at `path` (a field may appear under several aliases)."""
    level = [selection]
    for name in path:
        level = [sub for sel in level for _, n, sub in sel if n == name and sub is not None]
    return level


@dataclass(frozen=True)
class Page:
    """How one kind of connection is fetched and shaped."""

    typename: str  # the node type's name: PartyConnection, PartyEdge
    node: Shape
    cursor: Getter

    def plan(self, selection: Selection) -> tuple[bool, set[str]]:
        """(whether the rows are needed at all, the node relations asked for)."""
        wanted: set[str] = set()
        rows = False
        for _, name, sub in selection:
            if name in ("edges", "pageInfo"):
                rows = True
            if name == "edges":
                for _, edge_field, node_sel in sub or []:
                    if edge_field == "node":
                        wanted |= self.node.check(node_sel)
                    elif edge_field not in ("cursor", "__typename"):
                        raise NotDirect
            elif name == "pageInfo":
                if any(f not in PAGE_INFO for _, f, _ in sub or []):
                    raise NotDirect
            elif name not in ("totalCount", "__typename"):
                raise NotDirect
        return rows, wanted

    def json(
        self,
        selection: Selection,
        rows: list[Any],
        limit: int,
        after: str | None,
        total: int | None,
        related: Mapping[str, Mapping[int, Any]],
    ) -> dict[str, Any]:
        shown = rows[:limit]
        cursors: list[str] | None = None

        def cursor_list() -> list[str]:
            nonlocal cursors
            if cursors is None:
                cursors = [encode_cursor(self.cursor(r)) for r in shown]
            return cursors

        out: dict[str, Any] = {}
        for key, name, sub in selection:
            if name == "__typename":
                out[key] = f"{self.typename}Connection"
            elif name == "totalCount":
                out[key] = total
            elif name == "pageInfo":
                info = {
                    "hasNextPage": len(rows) > limit,
                    "hasPreviousPage": after is not None,
                    "startCursor": cursor_list()[0] if shown else None,
                    "endCursor": cursor_list()[-1] if shown else None,
                    "__typename": "PageInfo",
                }
                out[key] = {k: info[f] for k, f, _ in sub or []}
            elif name == "edges":
                edges = []
                for i, row in enumerate(shown):
                    edge: dict[str, Any] = {}
                    for k, f, node_sel in sub or []:
                        if f == "cursor":
                            edge[k] = cursor_list()[i]
                        elif f == "node":
                            edge[k] = self.node.json(node_sel or [], row, related)
                        else:
                            edge[k] = f"{self.typename}Edge"
                    edges.append(edge)
                out[key] = edges
        return out


PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename")
EXCEPTIONS = Page("ReportException", EXCEPTION, exception_cursor)


def _arguments(node: FieldNode, variables: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    names = {a.name.value for a in node.arguments or ()}
    if names - set(allowed):
        raise NotDirect
    values = {name: argument(node, name, variables) for name in allowed}
    first, after = values.get("first"), values.get("after")
    if (first is not None and type(first) is not int) or (after is not None and not isinstance(after, str)):
        raise NotDirect
    return values


PARTY_VALUES = {
    "id": "global_id",
    "name": "name",
    "category": "category",
    "status": "status",
    "accededOn": "acceded_on",
    "note": "note",
    "__typename": "typename",
}
GROUP_VALUES = {"id": "global_id", "name": "name", "category": "category", "__typename": "typename"}
EDGE_VALUES = {"cursor": "cursor", "__typename": "typename"}


def _projection(
    selection: Selection | None, values: dict[str, str], relations: dict[str, tuple[str, dict[str, str]]]
) -> pages.Projection:
    """A selection as the store's projection: JSON keys to values of the row, or to a relation's projection."""
    if selection is None:
        raise NotDirect
    out: list[tuple[str, str | tuple[str, pages.Projection]]] = []
    for key, name, sub in selection:
        if name in relations:
            relation, inner = relations[name]
            out.append((key, (relation, _projection(sub, inner, {}))))
        elif name in values and sub is None:
            out.append((key, values[name]))
        else:
            raise NotDirect
    return out


async def _parties(conn: Conn, ctx: Any, node: FieldNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    """One statement returns the page's JSON (pages.party_page_sql)."""
    args = _arguments(node, variables, ("first", "after", "asOf"))
    selection = selection_of(node) or []
    as_of = args["asOf"]
    try:
        day = date.fromisoformat(as_of) if isinstance(as_of, str) else None
    except ValueError:
        raise NotDirect from None
    if as_of is not None and day is None:
        raise NotDirect
    names = [name for _, name, _ in selection]
    if names.count("edges") > 1 or not set(names) <= {"edges", "pageInfo", "totalCount", "__typename"}:
        raise NotDirect
    edges: pages.Projection | None = None
    nodes: pages.Projection | None = None
    for _, name, sub in selection:
        if name == "edges":
            node_fields = [n for _, n, _ in sub or []]
            if node_fields.count("node") > 1:
                raise NotDirect
            edges = _projection(
                [(k, n, None) if n == "node" else (k, n, v) for k, n, v in sub or []],
                {**EDGE_VALUES, "node": "node"},
                {},
            )
            nodes = next(
                (
                    _projection(v, PARTY_VALUES, {"votingGroup": ("voting_group", GROUP_VALUES)})
                    for _, n, v in sub or []
                    if n == "node"
                ),
                [],
            )
        elif name == "pageInfo" and any(f not in PAGE_INFO for _, f, _ in sub or []):
            raise NotDirect
    limit, store, cursor = party_page_args(None, day, args["first"], args["after"])
    try:
        sql = pages.party_page_sql(edges, nodes, "totalCount" in names, "pageInfo" in names)
    except pages.Unanswerable:
        raise NotDirect from None
    found = orjson.loads(
        await pages.party_page_json(
            conn, sql, as_of=store["as_of"], members_only=store["members_only"], after=cursor, limit=limit
        )
    )
    info = {
        "hasNextPage": found["more"],
        "hasPreviousPage": args["after"] is not None,
        "startCursor": found["first"],
        "endCursor": found["last"],
        "__typename": "PageInfo",
    }
    out: dict[str, Any] = {}
    for key, name, sub in selection:
        if name == "edges":
            out[key] = found["edges"]
        elif name == "totalCount":
            out[key] = found["count"]
        elif name == "pageInfo":
            out[key] = {k: info[f] for k, f, _ in sub or []}
        else:
            out[key] = "PartyConnection"
    return out


async def _exceptions(conn: Conn, ctx: Any, node: FieldNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    if ctx.viewer.role not in REPORT_READERS:
        raise NotDirect  # the ordinary way answers an empty page
    args = _arguments(node, variables, ("first", "after"))
    selection = selection_of(node) or []
    needs_rows, wanted = EXCEPTIONS.plan(selection)
    limit, store, key = exception_page_args(None, args["first"], args["after"])
    rows = await exceptions.page(conn, after=key, limit=limit + 1, **store) if needs_rows else []
    shown = rows[:limit]
    related: dict[str, Mapping[int, Any]] = {}
    if "reportType" in wanted and shown:
        ids = sorted({r.report_type_id for r in shown})
        related["reportType"] = {t.id: t for t in await catalogue.report_types_by_ids(conn, ids=ids)}
    if "submission" in wanted and (sids := sorted({r.submission_id for r in shown if r.submission_id is not None})):
        related["submission"] = {s.id: s for s in await submissions.by_ids(conn, ids=sids)}
    total = await exceptions.count(conn, **store) if any(n == "totalCount" for _, n, _ in selection) else None
    return EXCEPTIONS.json(selection, rows, limit, args["after"], total, related)


MONTH_VALUES = {
    "month": "month",
    "accessions": "accessions",
    "inDefault": "in_default",
    "withdrawals": "withdrawals",
    "expulsions": "expulsions",
    "partiesAtMonthEnd": "parties_at_month_end",
    "votingGroupsAtMonthEnd": "voting_groups_at_month_end",
}
CATEGORY_COUNT_FIELDS = ("category", "count", "__typename")


def _month_getter(name: str, sub: Selection | None) -> Getter:
    """How one field of a MembershipMonth is read from its row; NotDirect for any field not answered here."""
    if name == "__typename" and sub is None:
        return lambda _: "MembershipMonth"
    if name in MONTH_VALUES and sub is None:
        return _plain(MONTH_VALUES[name])
    if name != "votingGroupsByCategory" or sub is None or any(f not in CATEGORY_COUNT_FIELDS for _, f, _ in sub):
        raise NotDirect
    fields = [(key, field) for key, field, _ in sub]

    def by_category(row: Any) -> list[dict[str, Any]]:
        counts = row.voting_groups_by_category
        return [
            {
                key: c.name if f == "category" else counts.get(c.value, 0) if f == "count" else "CategoryCount"
                for key, f in fields
            }
            for c in COUNTED_CATEGORIES
        ]

    return by_category


async def _membership_statistics(conn: Conn, ctx: Any, node: FieldNode, variables: Mapping[str, Any]) -> list[Any]:
    """The months' rows from the store's one statement, shaped in one pass: about a thousand fields for ten years,
    which graphql-core would complete one by one."""
    args = _arguments(node, variables, ("fromMonth", "toMonth"))
    if not isinstance(args["fromMonth"], str) or not isinstance(args["toMonth"], str):
        raise NotDirect
    start, end = statistics_months(args["fromMonth"], args["toMonth"])  # a refusal: the ordinary way words it
    selection = selection_of(node)
    if selection is None:
        raise NotDirect
    getters = [(key, _month_getter(name, sub)) for key, name, sub in selection]
    rows = await parties.membership_statistics(conn, from_month=start, to_month=end)
    return [{key: get(row) for key, get in getters} for row in rows]


Field = Callable[[Conn, Any, FieldNode, Mapping[str, Any]], Awaitable[Any]]
FIELDS: dict[str, Field] = {
    "parties": _parties,
    "exceptions": _exceptions,
    "membershipStatistics": _membership_statistics,
}


async def answer(ctx: Any, operation: OperationDefinitionNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    """The whole operation's data; NotDirect when it is not one of these."""
    tops = operation.selection_set.selections
    if not all(isinstance(s, FieldNode) and not s.directives and s.name.value in (*FIELDS, "__typename") for s in tops):
        raise NotDirect
    data: dict[str, Any] = {}
    for node in tops:
        assert isinstance(node, FieldNode)
        key = node.alias.value if node.alias else node.name.value
        if node.name.value == "__typename":
            data[key] = "Query"
            continue
        async with ctx.connection() as conn:
            data[key] = await FIELDS[node.name.value](conn, ctx, node, variables)
    return data


class DirectReads(SchemaExtension):
    """Answers the operation here when it is one of these; otherwise lets graphql-core execute it."""

    async def on_execute(self) -> Any:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None and ec.operation_type is OperationType.QUERY:
            operation = operation_of(document, ec.operation_name)
            if operation is not None and not operation.directives:
                try:
                    data = await answer(ec.context, operation, with_defaults(operation, ec.variables or {}))
                except (NotDirect, GraphQLError):
                    pass  # not one of these, or an argument to refuse: the ordinary way says it properly
                except Exception as e:  # noqa: BLE001 - the database failed (a timeout): reported as execution would
                    ec.result = ExecutionResult(data=None, errors=[GraphQLError(str(e), original_error=e)])
                else:
                    ec.result = ExecutionResult(data=data, errors=None)
        yield
