"""The floor of each read benchmark: the same data fetched by hand-written asyncpg SQL and serialised with orjson in
a bare Starlette route, answering the very JSON the GraphQL query answers (bench/reads.py checks they are equal).

No GraphQL, no DataLoaders, no row dataclasses, no key lookup: one statement per request where one will do.
Run by bench/reads.py as `uvicorn bench.floor_app:create --factory --workers N` with DATABASE_URL set.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LONDON = ZoneInfo("Europe/London")

# The page with its voting group, roles and last event, and the count, in one statement. The Party's state comes
# from the register's own party_states(), as the page must show it (status, category and group from the events).
PARTIES = """
WITH page AS (
    SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on
    FROM parties p JOIN party_states($1::date) s ON s.party_id = p.id
    ORDER BY p.name, p.id
    LIMIT $2
)
SELECT pg.id, pg.name, pg.status, pg.category, pg.acceded_on,
       vg.id AS group_id, vg.name AS group_name, vg.category AS group_category,
       r.roles, r.user_ids, r.since, last.kind AS last_kind, last.occurred_on AS last_on,
       (SELECT count(*) FROM parties) AS total
FROM page pg
JOIN voting_groups vg ON vg.id = pg.voting_group_id
LEFT JOIN LATERAL (
    SELECT array_agg(e.user_role ORDER BY e.occurred_on, e.id) AS roles,
           array_agg(e.user_id ORDER BY e.occurred_on, e.id) AS user_ids,
           array_agg(e.occurred_on ORDER BY e.occurred_on, e.id) AS since
    FROM party_events e
    WHERE e.party_id = pg.id AND e.kind = 'UEP_COMPLETED' AND e.occurred_on <= $1
) r ON true
LEFT JOIN LATERAL (
    SELECT e.kind, e.occurred_on FROM party_events e
    WHERE e.party_id = pg.id AND e.occurred_on <= $1
    ORDER BY e.occurred_on DESC, e.id DESC LIMIT 1
) last ON true
ORDER BY pg.name, pg.id
"""

# The queue's page, the submissions it points at (deadline and delivery once per submission), and the count.
EXCEPTIONS = """
WITH keys AS (
    -- the order found on narrow rows, then the page's own rows read
    SELECT e.id, CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END AS rank
    FROM report_exceptions e
    ORDER BY rank, e.first_flagged_at, e.id
    LIMIT $1
), page AS (
    SELECT e.id, e.rule_code, e.severity, e.status, e.subject, e.message, e.period, e.first_flagged_at, e.details,
           e.report_type_id, e.submission_id, k.rank
    FROM keys k JOIN report_exceptions e ON e.id = k.id
), subs AS (
    SELECT s.id, s.period, s.status, s.received_at, due_at(t.due_working_days, s.period) AS due_at,
           delivery(s.report_type_id, s.period, now()) AS delivery
    FROM submissions s JOIN report_types t ON t.id = s.report_type_id
    WHERE s.id IN (SELECT submission_id FROM page)
)
SELECT pg.*, t.code AS type_code, t.name AS type_name, s.period AS sub_period, s.status AS sub_status,
       s.received_at AS sub_received_at, s.due_at AS sub_due_at, s.delivery AS sub_delivery,
       (SELECT count(*) FROM report_exceptions) AS total
FROM page pg
JOIN report_types t ON t.id = pg.report_type_id
LEFT JOIN subs s ON s.id = pg.submission_id
ORDER BY pg.rank, pg.first_flagged_at, pg.id
"""

CATEGORIES = ("LARGE_SUPPLIER", "SMALL_SUPPLIER", "ELECTRICITY_NETWORK", "GAS_NETWORK", "OTHER_SEC_PARTY")


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def gid(type_name: str, pk: int) -> str:
    return b64(f"{type_name}:{pk}".encode())


def cursor(key: list[Any]) -> str:
    return b64(orjson.dumps(key))


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def page_size(request: Request) -> int:
    return min(max(int(request.query_params.get("first", "100")), 0), 100)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def json(data: Any) -> Response:
    return Response(orjson.dumps({"data": data}, default=_default), media_type="application/json")


def create(dsn: str | None = None) -> Starlette:
    state: dict[str, Any] = {}
    statements: dict[str, str] = {}
    opsg_params: list[str] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The register's own statistics and OPSG statements, as the floor of reads that are one statement already.
        from sql.db import set_codecs
        from sql.loader import query

        statements["statistics"] = query("parties.statistics").text
        with suppress(KeyError):
            opsg_table = query("opsg.table")
            statements["opsg"] = opsg_table.text
            opsg_params.extend(opsg_table.params)

        state["pool"] = await asyncpg.create_pool(
            dsn or os.environ["DATABASE_URL"], min_size=2, max_size=20, init=set_codecs
        )
        try:
            yield
        finally:
            await state["pool"].close()

    async def parties(request: Request) -> Response:
        first = page_size(request)
        today = datetime.now(LONDON).date()
        rows = await state["pool"].fetch(PARTIES, today, first + 1)
        shown = rows[:first]
        edges = [
            {
                "cursor": cursor([r["name"], r["id"]]),
                "node": {
                    "id": gid("Party", r["id"]),
                    "name": r["name"],
                    "category": r["category"],
                    "status": r["status"],
                    "accededOn": r["acceded_on"],
                    "votingGroup": {
                        "id": gid("VotingGroup", r["group_id"]),
                        "name": r["group_name"],
                        "category": r["group_category"],
                    },
                    "userRoles": [
                        {"role": role, "userId": uid, "since": since}
                        for role, uid, since in zip(
                            r["roles"] or (), r["user_ids"] or (), r["since"] or (), strict=True
                        )
                    ],
                    "lastEvent": None
                    if r["last_kind"] is None
                    else {"kind": r["last_kind"], "occurredOn": r["last_on"]},
                },
            }
            for r in shown
        ]
        total = rows[0]["total"] if rows else 0
        return json(
            {
                "parties": {
                    "totalCount": total,
                    "pageInfo": {"hasNextPage": len(rows) > first, "endCursor": edges[-1]["cursor"] if edges else None},
                    "edges": edges,
                }
            }
        )

    async def exceptions(request: Request) -> Response:
        first = page_size(request)
        rows = await state["pool"].fetch(EXCEPTIONS, first + 1)
        shown = rows[:first]
        edges = [
            {
                "cursor": cursor([r["rank"], r["first_flagged_at"].isoformat(), r["id"]]),
                "node": {
                    "id": gid("ReportException", r["id"]),
                    "ruleCode": r["rule_code"],
                    "severity": r["severity"],
                    "status": r["status"],
                    "subject": r["subject"],
                    "message": r["message"],
                    "period": r["period"],
                    "firstFlaggedAt": iso(r["first_flagged_at"]),
                    "details": r["details"],
                    "reportType": {"code": r["type_code"], "name": r["type_name"]},
                    "submission": None
                    if r["submission_id"] is None
                    else {
                        "id": gid("ReportSubmission", r["submission_id"]),
                        "period": r["sub_period"],
                        "status": r["sub_status"],
                        "receivedAt": iso(r["sub_received_at"]),
                        "dueAt": iso(r["sub_due_at"]),
                        "delivery": r["sub_delivery"],
                    },
                },
            }
            for r in shown
        ]
        total = rows[0]["total"] if rows else 0
        return json(
            {
                "exceptions": {
                    "totalCount": total,
                    "pageInfo": {"hasNextPage": len(rows) > first, "endCursor": edges[-1]["cursor"] if edges else None},
                    "edges": edges,
                }
            }
        )

    async def statistics(request: Request) -> Response:
        start, end = request.query_params["from"], request.query_params["to"]
        rows = await state["pool"].fetch(
            statements["statistics"],
            datetime.strptime(start + "-01", "%Y-%m-%d").date(),
            datetime.strptime(end + "-01", "%Y-%m-%d").date(),
        )
        return json(
            {
                "membershipStatistics": [
                    {
                        "month": r["month"],
                        "accessions": r["accessions"],
                        "inDefault": r["in_default"],
                        "withdrawals": r["withdrawals"],
                        "expulsions": r["expulsions"],
                        "partiesAtMonthEnd": r["parties_at_month_end"],
                        "votingGroupsAtMonthEnd": r["voting_groups_at_month_end"],
                        "votingGroupsByCategory": [
                            {"category": c, "count": (r["voting_groups_by_category"] or {}).get(c, 0)}
                            for c in CATEGORIES
                        ],
                    }
                    for r in rows
                ]
            }
        )

    async def opsg(request: Request) -> Response:
        if "opsg" not in statements:
            return Response(status_code=404)
        # The floor reads as the administrator: every meeting may be named.
        given = {"month": request.query_params["month"], "viewer_role": "admin", "viewer_bodies": []}
        rows = await state["pool"].fetch(statements["opsg"], *(given[p] for p in opsg_params))
        return json({"opsgReport": {"month": request.query_params["month"], "rows": [dict(r.items()) for r in rows]}})

    async def healthz(request: Request) -> Response:
        return Response(b"ok")

    return Starlette(
        routes=[
            Route("/parties", parties),
            Route("/exceptions", exceptions),
            Route("/statistics", statistics),
            Route("/opsg", opsg),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
