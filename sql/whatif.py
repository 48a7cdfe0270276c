"""What a what-if reads: the latest submission of each period with its bytes and the deadline under a tried due
rule, the findings that stand today, and the exceptions they raised. It writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.whatif import Found, Level, Parameters
from sql import catalogue
from sql.db import Conn
from sql.loader import fetch
from sql.rows import ReportTypeRow


@dataclass(frozen=True, slots=True)
class Stored:
    """The latest submission of a period, as re-running it needs it."""

    submission_id: int
    period: str
    status: str
    content: bytes
    first_received_at: datetime | None
    due_at: datetime | None
    run_id: int | None


async def parameters(conn: Conn, rt: ReportTypeRow) -> Parameters:
    """The catalogue's parameters for the report type as they stand (its current version)."""
    levels = await catalogue.service_levels(conn, ids=[rt.id])
    return Parameters(
        code=rt.code,
        sec_clause=rt.sec_clause,
        tolerance_lower_pct=rt.tolerance_lower_pct,
        tolerance_upper_pct=rt.tolerance_upper_pct,
        below_tolerance_severity=rt.below_tolerance_severity,
        tbc=tuple(rt.tbc),
        due_working_days=rt.due_working_days,
        service_levels=tuple(Level(s.measure, s.provider, s.target_pct, s.minimum_pct) for s in levels),
    )


async def latest(
    conn: Conn, *, report_type_id: int, from_period: str, to_period: str, due_working_days: int | None
) -> list[Stored]:
    rows = await fetch(
        conn,
        "whatif.latest",
        report_type_id=report_type_id,
        from_period=from_period,
        to_period=to_period,
        due_working_days=due_working_days,
    )
    return [Stored(**dict(r.items())) for r in rows]


async def findings_of_runs(conn: Conn, *, run_ids: list[int]) -> dict[int, list[Found]]:
    """Each run's findings, in the order found."""
    found: dict[int, list[Found]] = {pk: [] for pk in run_ids}
    for r in await fetch(conn, "whatif.run_findings", run_ids=run_ids):
        found[r["run_id"]].append(Found.of(dict(r.items())))
    return found


async def standing_exceptions(
    conn: Conn, *, report_type_id: int, periods: list[str]
) -> dict[tuple[str, str, str], int]:
    """(period, rule, subject) → the exception's id."""
    rows = await fetch(conn, "whatif.standing_exceptions", report_type_id=report_type_id, periods=periods)
    return {(r["period"], r["rule_code"], r["subject"]): r["id"] for r in rows}
