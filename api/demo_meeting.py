"""The Operations Group's meeting of 26 June 2018 as the July 2018 Sub-Committee report tells it, recorded as demo
data through the meeting's own use case: the reports it considered and noted, its four observations, the exceptions
it noted, and the one thing it asked for, the DCC's statement of assurance on the RDP data refresh, as a DCC
follow-up. The paper gives no due date: the demo's is the next meeting's day (OPSG_10_2407), so the July 2018 table
carries it open."""

from __future__ import annotations

from datetime import date

from domain.viewer import Viewer
from services.meeting import ExceptionDiscussed, FollowUpAsked, MeetingOutcome, RowNoted, record
from sql import exceptions, followups
from sql.db import Pool

MEETING = "OPSG_2606_2018"
MONTH = "2018-06"
DEMO_OPSG = Viewer(role="opsg", bodies=("OPSG",), name="demo-opsg")

# The Observations column of the paper's table, in OPSG's words (the paper's spelling kept); "None" is its own word.
OBSERVATIONS = (
    (
        "PMR",
        "2018-04",
        "Despite measures all above Target, Users were unable to use services due to Major Incident "
        "in CSPN during April.",
    ),
    (
        "RDP_INCIDENT",
        "2018-05",
        "DCC undertaking another full Data Refresh from RDP's. DCC requested to provided "
        "statement of assurance to OPSG.",
    ),
    ("CSR_VARIANCE", "2018-05", "Despite being outside tolerance, DCC has sufficient capacity to manage."),
    ("SR_VARIANCE", "2018-04", "None"),
)
# Noted without an observation of its own (the paper prints one "None" for April & May).
NOTED = (("SR_VARIANCE", "2018-05"),)
STATEMENT_OF_ASSURANCE = FollowUpAsked(
    text="Provide OPSG with a statement of assurance on the full Data Refresh from the RDPs",
    owner="DCC",
    due_on=date(2018, 7, 24),
    report_type="RDP_INCIDENT",
    period="2018-05",
)


async def load(pool: Pool) -> dict[str, int]:
    """Record the meeting once (a second load finds it recorded and changes nothing); returns counts."""
    async with pool.acquire() as conn:
        meeting_id = await followups.meeting_id(conn, reference=MEETING)
        if meeting_id is None or await followups.recorded_meeting(conn, month=MONTH, viewer=DEMO_OPSG):
            return {"observations": 0, "follow_ups": 0}
        # The exceptions of the reports it considered: noted, left as they stood.
        discussed = [
            e
            for code, period, _ in OBSERVATIONS
            for e in await exceptions.page(
                conn,
                status=None,
                severity=None,
                report_type=code,
                period=period,
                rule_code=None,
                after=None,
                limit=100,
            )
        ]
        outcome = MeetingOutcome(
            meeting_id=meeting_id,
            month=MONTH,
            rows=tuple(RowNoted(code, period, text) for code, period, text in OBSERVATIONS)
            + tuple(RowNoted(code, period) for code, period in NOTED),
            exceptions=tuple(ExceptionDiscussed(e.id) for e in discussed),
            follow_ups=(STATEMENT_OF_ASSURANCE,),
        )
        done = await record(conn, DEMO_OPSG, outcome)
    return {"observations": len(OBSERVATIONS), "follow_ups": len(done.follow_ups)}
