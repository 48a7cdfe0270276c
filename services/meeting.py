"""Recording the Operations Group's meeting: the month's rows noted with their observations, the exceptions
discussed each given a history entry naming the meeting and its outcome, and the follow-ups the meeting asked for;
closing a follow-up; flagging those overdue. One transaction each; a meeting is refused as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain import meeting as policy
from domain.errors import Forbidden, InvalidInput, NotFound, Refusal, Unauthenticated
from domain.exception_lifecycle import Effect, Raised
from domain.periods import LONDON, check_period
from domain.roles import MEETING_RECORDERS
from domain.viewer import Viewer
from services.raising import raise_and_close
from sql import catalogue, events, exceptions, followups, opsg, review
from sql.db import Conn, Pool
from sql.followups import FollowUpRow, NewFollowUp
from sql.opsg import check_month
from sql.rows import ExceptionRow, MeetingRow

# An overdue follow-up is raised, or raised again while it stays open; it never closes anything itself.
STILL_OPEN = Effect(closes=False, raised_again_comment="still open")


@dataclass(frozen=True, slots=True)
class RowNoted:
    report_type: str
    period: str
    observation: str | None = None  # None: noted, the observation left as it is


@dataclass(frozen=True, slots=True)
class ExceptionDiscussed:
    exception_id: int
    action: str | None = None  # None: noted
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUpAsked:
    text: str
    owner: str  # DCC, SECAS, or a Party (owner_party_id)
    due_on: date
    owner_party_id: int | None = None
    report_type: str | None = None
    period: str | None = None
    exception_id: int | None = None


@dataclass(frozen=True, slots=True)
class MeetingOutcome:
    meeting_id: int
    month: str
    rows: tuple[RowNoted, ...] = ()
    exceptions: tuple[ExceptionDiscussed, ...] = ()
    follow_ups: tuple[FollowUpAsked, ...] = ()


@dataclass(frozen=True, slots=True)
class Recorded:
    meeting: MeetingRow
    month: str
    exceptions: list[ExceptionRow]
    follow_ups: list[FollowUpRow]


class Refused(Refusal):
    """Every part of a meeting that may not be recorded, each naming its row, exception or follow-up."""

    def __init__(self, problems: list[Refusal]) -> None:
        super().__init__("; ".join(p.message for p in problems), field=problems[0].field)
        self.code = problems[0].code
        self.problems = problems


def check_recorder(viewer: Viewer) -> None:
    if viewer.role == "public":
        raise Unauthenticated("an API key is needed for this")
    if viewer.role not in MEETING_RECORDERS:
        raise Forbidden(f"the {viewer.role} role may not record a meeting's outcome")


@dataclass
class _Plan:
    """What the checks found, kept for the writes."""

    meeting: MeetingRow
    month: str
    problems: list[Refusal] = field(default_factory=list)
    found: dict[int, ExceptionRow] = field(default_factory=dict)
    follow_ups: list[NewFollowUp] = field(default_factory=list)

    def refuse(self, error: Refusal, where: str, what: str = "") -> None:
        """Keep a problem, its message naming the part (and what it is) and its field the input's path."""
        name = f"{where} ({what})" if what else where
        kept = type(error)(f"{name}: {error.message}", field=where + (f".{error.field}" if error.field else ""))
        self.problems.append(kept)


async def record(conn: Conn, viewer: Viewer, outcome: MeetingOutcome) -> Recorded:
    """Record the meeting's outcome in one transaction, or refuse all of it (Refused names every part at fault)."""
    check_recorder(viewer)
    async with conn.transaction():
        plan = await _check(conn, viewer, outcome)
        if plan.problems:
            raise Refused(plan.problems)
        await followups.record_outcome(conn, month=plan.month, meeting_id=plan.meeting.id, actor=viewer.name)
        for row in outcome.rows:
            if row.observation is not None:
                await opsg.record_observation(
                    conn, report_type=row.report_type, period=row.period, text=row.observation, actor=viewer.name
                )
        for d in outcome.exceptions:
            await review.review(
                conn,
                exception_id=d.exception_id,
                action=d.action or policy.NOTED,
                decide=_decider(viewer.role, d),
                actor=viewer.name,
                role=viewer.role,
                meeting_id=plan.meeting.id,
                bodies=viewer.all_bodies,
            )
        first = await followups.next_number(conn, meeting_id=plan.meeting.id)
        ids = [
            await followups.insert(
                conn,
                reference=policy.follow_up_reference(plan.meeting.reference, first + i),
                meeting=plan.meeting,
                new=new,
            )
            for i, new in enumerate(plan.follow_ups)
        ]
        discussed = await exceptions.by_ids(conn, ids=[d.exception_id for d in outcome.exceptions])
        order = {d.exception_id: i for i, d in enumerate(outcome.exceptions)}
        made = await followups.by_ids(conn, ids=ids, viewer=viewer)
    return Recorded(
        meeting=plan.meeting,
        month=plan.month,
        exceptions=sorted(discussed, key=lambda e: order[e.id]),
        follow_ups=sorted(made, key=lambda f: f.reference),
    )


def _decider(role: str, d: ExceptionDiscussed) -> review.Decide:
    def decide(status: str) -> tuple[str, str | None]:
        _, to, text = policy.outcome(role, status, d.action, d.comment)
        return to, text

    return decide


async def _check(conn: Conn, viewer: Viewer, outcome: MeetingOutcome) -> _Plan:
    month = check_month(outcome.month)
    meeting = await followups.meeting(conn, id=outcome.meeting_id, viewer=viewer)
    if meeting is None:
        raise NotFound("no such meeting", field="meetingId")
    if meeting.body_code != "OPSG":
        raise InvalidInput(f"{meeting.reference} is a meeting of {meeting.body_code}, not of OPSG", field="meetingId")
    if f"{meeting.held_on:%Y-%m}" != month:
        raise InvalidInput(
            f"{meeting.reference} was held on {meeting.held_on:%d/%m/%Y}, not in {month}: the table of a month is "
            "recorded at that month's meeting",
            field="month",
        )
    plan = _Plan(meeting, month)
    table = {(r.report_type, r.period) for r in await opsg.table(conn, month=month, viewer=viewer) if r.period}
    for i, row in enumerate(outcome.rows):
        where = f"rows[{i}]"
        try:
            if row.observation is not None:
                policy.check_observation(row.observation, "observation")
            if (row.report_type, row.period) not in table:
                raise InvalidInput(f"not a row of the {month} OPSG table", field="period")
        except Refusal as err:
            plan.refuse(err, where, f"{row.report_type} {row.period}")
    ids = [d.exception_id for d in outcome.exceptions]
    plan.found = {e.id: e for e in await exceptions.by_ids(conn, ids=ids)}
    for i, d in enumerate(outcome.exceptions):
        where = f"exceptions[{i}]"
        e = plan.found.get(d.exception_id)
        try:
            if e is None:
                raise NotFound("no such exception", field="id")
            if ids.index(d.exception_id) != i:
                raise InvalidInput("the same exception is given twice", field="id")
            policy.outcome(viewer.role, e.status, d.action, d.comment)
        except Refusal as err:
            plan.refuse(err, where, f"{e.rule_code} {e.subject} of {e.report_type} {e.period}" if e else "")
    for i, asked in enumerate(outcome.follow_ups):
        try:
            plan.follow_ups.append(await _follow_up(conn, plan, asked))
        except Refusal as err:
            plan.refuse(err, f"followUps[{i}]", asked.text[:60])
    return plan


async def _follow_up(conn: Conn, plan: _Plan, asked: FollowUpAsked) -> NewFollowUp:
    text = asked.text.strip()
    if not text:
        raise InvalidInput("say what is asked for", field="text")
    owner = policy.owner_kind(asked.owner)
    if owner is None:
        if asked.owner_party_id is None:
            raise InvalidInput("the owner is DCC, SECAS or a Party's ID", field="owner")
        owner = await followups.party_name(conn, id=asked.owner_party_id)
        if owner is None:
            raise NotFound("no such Party", field="owner")
    if asked.due_on < plan.meeting.held_on:
        raise InvalidInput(f"due on {asked.due_on:%d/%m/%Y}, before the meeting asked for it", field="due")
    report_type_id, period = None, None
    if asked.exception_id is not None:
        e = plan.found.get(asked.exception_id) or next(
            iter(await exceptions.by_ids(conn, ids=[asked.exception_id])), None
        )
        if e is None:
            raise NotFound("no such exception", field="exceptionId")
        report_type_id, period = e.report_type_id, e.period
    if asked.report_type is not None:
        rt = await catalogue.report_type(conn, code=asked.report_type.strip().upper())
        if report_type_id is not None and report_type_id != rt.id:
            raise InvalidInput("the exception is of another report type", field="reportType")
        report_type_id = rt.id
        if asked.period is not None:
            given = check_period(asked.period, rt.cadence)
            if period is not None and given != period:
                raise InvalidInput("the exception is of another period", field="period")
            period = given
    if report_type_id is None or period is None:
        raise InvalidInput("say which report and period, or which exception, it concerns", field="reportType")
    return NewFollowUp(text, owner, asked.owner_party_id, asked.due_on, report_type_id, period, asked.exception_id)


async def close(conn: Conn, viewer: Viewer, *, follow_up_id: int, comment: str | None) -> FollowUpRow:
    """Close a follow-up with a comment (the DCC its own); the exception raised when it went overdue is resolved."""
    if viewer.role == "public":
        raise Unauthenticated("an API key is needed for this")
    async with conn.transaction():
        found = await followups.by_ids(conn, ids=[follow_up_id], viewer=viewer)
        if not found:
            raise NotFound("no such follow-up", field="id")
        f = found[0]
        if not policy.may_close(viewer.role, f.owner):
            raise Forbidden(f"the {viewer.role} role may not close a follow-up of {f.owner}", field="id")
        text = policy.closing_comment(comment)
        if not await followups.close(conn, id=f.id, comment=text, actor=viewer.name):
            raise InvalidInput(f"{f.reference} is already closed", field="id")
        await _resolve_overdue(conn, f, text)
        return (await followups.by_ids(conn, ids=[f.id], viewer=viewer))[0]


async def _resolve_overdue(conn: Conn, f: FollowUpRow, comment: str) -> None:
    if f.overdue_flagged_at is None or f.report_type_id is None or f.period is None:
        return
    subject = policy.overdue_subject(f.id, f.reference, f.classification)
    raised = await followups.overdue_exception(
        conn, report_type_id=f.report_type_id, period=f.period, rule_code=policy.OVERDUE_RULE, subject=subject
    )
    if raised is None:
        return
    await followups.resolve_by_system(conn, found=raised, comment=policy.closed_note(f.reference, comment))


async def flag_overdue(pool: Pool, *, now: datetime) -> list[int]:
    """Raise each open follow-up past its due date to the Operations Group as an exception, once: the follow-up is
    marked in the same transaction (and the scheduler's lock keeps two schedulers from racing). Returns new ids."""
    today = now.astimezone(LONDON).date()
    flagged: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        due = await followups.overdue(conn, today=today)
        for f in due:
            subject = policy.overdue_subject(f.id, f.reference, f.classification)
            raised = Raised(
                policy.OVERDUE_RULE,
                subject,
                "WARNING",
                policy.overdue_message(f),
                None,
                {"due_on": f.due_on.isoformat(), "owner": f.owner, "follow_up": subject},
            )
            new = await raise_and_close(
                conn,
                report_type_id=f.report_type_id,
                period=f.period,
                raised=[raised],
                submission_id=None,
                run_id=None,
                effect=STILL_OPEN,
            )
            if new:
                flagged += new
                await events.flagged(conn, new, f.report_type)
        if due:
            await followups.mark_flagged(conn, ids=[f.id for f in due])
    return flagged
