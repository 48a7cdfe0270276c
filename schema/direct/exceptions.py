"""The page of exceptions, with its report types and submissions, answered from its rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from domain.roles import REPORT_READERS
from schema.direct.selection import (
    Getter,
    NotDirect,
    Selection,
    Shape,
    arguments,
    check_page_info,
    iso,
    page_info,
    plain,
    selection_of,
)
from schema.relay import encode_cursor, global_id
from schema.reports.queries import exception_cursor, exception_page_args
from sql import catalogue, exceptions, submissions
from sql.db import Conn

REPORT_TYPE = Shape(
    "ReportType",
    {
        "id": lambda t: global_id("ReportType", t.id),
        "code": plain("code"),
        "name": plain("name"),
        "secClause": plain("sec_clause"),
    },
    {},
)
SUBMISSION = Shape(
    "ReportSubmission",
    {
        "id": lambda s: global_id("ReportSubmission", s.id),
        "period": plain("period"),
        "receivedAt": lambda s: iso(s.received_at),
        "dueAt": lambda s: iso(s.due_at),
        "delivery": plain("delivery"),
        "status": plain("status"),
        "sha256": lambda s: s.sha256.hex(),
        "filename": plain("filename"),
        "rowCount": plain("row_count"),
        "sizeBytes": plain("size_bytes"),
    },
    {},
)
EXCEPTION = Shape(
    "ReportException",
    {
        "id": lambda e: global_id("ReportException", e.id),
        "ruleCode": plain("rule_code"),
        "severity": plain("severity"),
        "status": plain("status"),
        "subject": plain("subject"),
        "message": plain("message"),
        "secClause": plain("sec_clause"),
        "details": plain("details"),
        "period": plain("period"),
        "firstFlaggedAt": lambda e: iso(e.first_flagged_at),
        "lastRaisedAt": lambda e: iso(e.last_raised_at),
    },
    {"reportType": ("report_type_id", REPORT_TYPE), "submission": ("submission_id", SUBMISSION)},
)


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
                check_page_info(sub)
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
                start, end = (cursor_list()[0], cursor_list()[-1]) if shown else (None, None)
                out[key] = page_info(sub, len(rows) > limit, after, start, end)
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


EXCEPTIONS = Page("ReportException", EXCEPTION, exception_cursor)


async def exception_page(conn: Conn, ctx: Any, node: FieldNode, variables: Mapping[str, Any]) -> dict[str, Any]:
    if ctx.viewer.role not in REPORT_READERS:
        raise NotDirect  # the ordinary way answers an empty page
    args = arguments(node, variables, ("first", "after"))
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
