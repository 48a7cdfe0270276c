"""Submissions: intake (bytes stored verbatim first), validation runs, findings, parsed rows."""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.formats import Format, detect_format
from domain.report_rows import REPORT_ROWS
from sql import catalogue
from sql.db import Conn
from sql.errors import NotFound
from sql.loader import execute, fetch, fetchrow, fetchval
from sql.rows import FindingRow, RunRow, SubmissionRow, from_record, from_records


@dataclass(frozen=True, slots=True)
class Received:
    submission_id: int
    status: str
    duplicate_of: int | None


async def receive(
    conn: Conn,
    *,
    code: str,
    period: str,
    content: bytes,
    sha256: bytes,
    filename: str | None,
    content_type: str | None,
    received_at: datetime | None,
    uploaded_by: str,
    request_id: str | None,
    format: Format | None = None,
) -> Received:
    """Store an upload (its own transaction): the same bytes for the same report and period answer the existing one.
    The caller has admitted the bytes and the period (domain.formats.admit, domain.periods.check_period)."""
    fmt = format or detect_format(content)
    async with conn.transaction():
        rt = await catalogue.report_type(conn, code=code)
        await fetchval(conn, "submissions.lock_period", report_type_id=rt.id, period=period)
        dup = await fetchrow(conn, "submissions.by_hash", report_type_id=rt.id, period=period, sha256=sha256)
        if dup is not None:
            return Received(dup["id"], dup["status"], dup["id"])
        supersedes = await fetchval(conn, "submissions.latest_accepted", report_type_id=rt.id, period=period)
        sid: int = await fetchval(
            conn,
            "submissions.insert",
            report_type_id=rt.id,
            period=period,
            sha256=sha256,
            size_bytes=len(content),
            filename=filename,
            content_type=content_type,
            format=fmt,
            received_at=received_at,
            uploaded_by=uploaded_by,
            supersedes_id=supersedes,
            request_id=request_id,
        )
        await execute(conn, "submissions.insert_file", submission_id=sid, content=content)
    return Received(sid, "RECEIVED", None)


async def mark_enqueued(conn: Conn, *, id: int) -> None:
    await execute(conn, "submissions.mark_enqueued", id=id)


async def content(conn: Conn, *, submission_id: int) -> bytes:
    data: bytes | None = await fetchval(conn, "submissions.content", submission_id=submission_id)
    if data is None:
        raise NotFound("no such submission", field="id")
    return data


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a delivery found: its attempt begun (counted, lease taken), or why not."""

    number: int | None  # the attempt, counted; None when not begun
    final: bool = False  # the submission is final already: nothing to do
    lease_left_s: float = 0.0  # another delivery's lease runs this much longer


async def begin_attempt(conn: Conn, *, id: int, token: UUID, lease_s: float) -> Attempt:
    """Count an attempt and take the run's lease (committed at once), unless the submission is final or another
    delivery holds a live lease."""
    number: int | None = await fetchval(conn, "submissions.begin_attempt", id=id, token=token, lease_s=lease_s)
    if number is not None:
        return Attempt(number)
    found = await fetchrow(conn, "submissions.lease_of", id=id)
    if found is None:
        raise NotFound(f"no submission {id}", field="id")
    if found["status"] not in ("RECEIVED", "VALIDATING"):
        return Attempt(None, final=True)
    return Attempt(None, lease_left_s=found["lease_left_s"])


async def release_lease(conn: Conn, *, id: int, token: UUID) -> None:
    """Let the run's lease go (the run failed on a fault): the next delivery may begin at once."""
    await execute(conn, "submissions.release_lease", id=id, token=token)


async def renew_lease(conn: Conn, *, id: int, token: UUID, lease_s: float) -> bool:
    """Keep the run's lease; False when it is no longer this run's."""
    return await fetchval(conn, "submissions.renew_lease", id=id, token=token, lease_s=lease_s) is not None


async def give_back_attempt(conn: Conn, *, id: int) -> None:
    """Uncount the attempt of a delivery that found the submission finished by another one meanwhile."""
    await execute(conn, "submissions.give_back_attempt", id=id)


@dataclass(frozen=True, slots=True)
class RunContext:
    """What judging a submission needs, read as its run begins."""

    id: int
    report_type_id: int
    period: str
    status: str
    received_at: datetime
    attempts: int
    supersedes_id: int | None
    first_received_at: datetime | None
    due_at: datetime | None


async def for_run(conn: Conn, *, id: int) -> RunContext:
    row = await fetchrow(conn, "submissions.for_run", id=id)
    if row is None:
        raise NotFound(f"no submission {id}", field="id")
    return from_record(RunContext, row)


@dataclass(frozen=True, slots=True)
class Held:
    """The run still holds its submission (locked in the run's transaction)."""

    newest_accepted_id: int


async def run_held(conn: Conn, *, id: int, token: UUID) -> Held | None:
    """None when another delivery finished the submission meanwhile or took it over once the run's lease lapsed."""
    row = await fetchrow(conn, "submissions.run_held", id=id, token=token)
    return from_record(Held, row) if row else None


async def next_run_id(conn: Conn) -> int:
    """The id the next run will have: taken first, so its findings are written out before its transaction."""
    run_id: int = await fetchval(conn, "submissions.next_run_id")
    return run_id


# The columns of the findings COPY, in order: what findings_frame in the worker lays out.
FINDING_COLUMNS = (
    "run_id",
    "submission_id",
    "rule_code",
    "severity",
    "subject",
    "row",
    "message",
    "sec_clause",
    "details",
)


async def store_run(
    conn: Conn,
    *,
    run_id: int,
    submission_id: int,
    code: str,
    started_at: datetime,
    catalogue_version: int,
    attempt: int,
    status: str,
    row_count: int | None,
    rule_counts: Mapping[str, int],
    findings: AsyncIterable[bytes] | None,
    rows: AsyncIterable[bytes] | None,
) -> int:
    """Record a run: its findings, the run row and the parsed rows (one COPY each, rows replacing earlier ones).

    Both come in PostgreSQL's binary COPY format: findings with FINDING_COLUMNS, rows with submission_id then the
    type's stored columns (domain.report_rows).
    Their submission and run are checked once, by the run's own row, not row by row; the run row, written after
    its findings, keeps the range of ids they were given.
    """
    findings_after = None
    if findings is not None:
        findings_after = await fetchval(conn, "submissions.findings_before")
        await conn.copy_to_table("findings", source=findings, columns=list(FINDING_COLUMNS), format="binary")
    await fetchval(
        conn,
        "submissions.insert_run",
        id=run_id,
        submission_id=submission_id,
        started_at=started_at,
        catalogue_version=catalogue_version,
        outcome=status,
        attempt=attempt,
        finding_count=sum(rule_counts.values()),
        rule_counts=dict(rule_counts),
        findings_after=findings_after,
    )
    table = REPORT_ROWS.get(code)
    if table is not None:
        await conn.execute(f"DELETE FROM {table.table} WHERE submission_id = $1", submission_id)
        if rows is not None:
            await conn.copy_to_table(
                table.table, source=rows, columns=["submission_id", *table.stored], format="binary"
            )
    await execute(conn, "submissions.finish", id=submission_id, status=status, row_count=row_count)
    return run_id


async def reset_for_revalidation(conn: Conn, *, id: int) -> None:
    if await fetchval(conn, "submissions.reset_for_revalidation", id=id) is None:
        raise NotFound("no such submission", field="id")


async def stale(conn: Conn, *, older_than_s: int) -> list[int]:
    return [r["id"] for r in await fetch(conn, "submissions.stale_received", older_than_s=older_than_s)]


async def by_ids(conn: Conn, *, ids: list[int]) -> list[SubmissionRow]:
    return from_records(SubmissionRow, await fetch(conn, "submissions.by_ids", ids=ids))


async def page(
    conn: Conn,
    *,
    report_type: str | None,
    period: str | None,
    status: str | None,
    after: int | None,
    limit: int,
    before: int | None = None,
    backward: bool = False,
) -> list[SubmissionRow]:
    """A page; `backward`: the page before `before`, nearest first."""
    rows = await fetch(
        conn,
        "submissions.page_backward" if backward else "submissions.page",
        report_type=report_type,
        period=period,
        status=status,
        after_id=after,
        before_id=before,
        limit=limit,
    )
    return from_records(SubmissionRow, rows)


async def count(conn: Conn, *, report_type: str | None, period: str | None, status: str | None) -> int:
    n: int = await fetchval(conn, "submissions.count", report_type=report_type, period=period, status=status)
    return n


async def runs(conn: Conn, *, ids: list[int]) -> list[RunRow]:
    return from_records(RunRow, await fetch(conn, "submissions.runs_of", ids=ids))


async def findings_page(
    conn: Conn,
    *,
    submission_id: int,
    after: int | None,
    limit: int,
    before: int | None = None,
    backward: bool = False,
) -> list[FindingRow]:
    """A page; `backward`: the page before `before`, nearest first."""
    name = "submissions.findings_page_backward" if backward else "submissions.findings_page"
    rows = await fetch(conn, name, submission_id=submission_id, after_id=after, before_id=before, limit=limit)
    return from_records(FindingRow, rows)


async def findings_count(conn: Conn, *, submission_id: int) -> int:
    n: int = await fetchval(conn, "submissions.findings_count", submission_id=submission_id)
    return n


async def findings_by_rule(conn: Conn, *, submission_id: int) -> dict[str, int]:
    """How many findings each rule gave in the submission's latest run, by rule code."""
    counts = await fetchval(conn, "submissions.findings_by_rule", submission_id=submission_id)
    return dict(sorted((counts or {}).items()))
