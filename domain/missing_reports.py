"""A report not received by its deadline, in the words OPSG reads (London time, the SEC clause that owes it)."""

from __future__ import annotations

from datetime import datetime

from domain.periods import LONDON

RULE = "MISSING_REPORT"
SUBJECT = "REPORT"
SEVERITY = "HIGH"
# The history's comment when a run of the job finds one it had raised, and closed, missing still.
RAISED_AGAIN = "still missing"


def missing_report_message(code: str, period: str, due_at: datetime, sec_clause: str | None) -> str:
    # People read London time: the deadline is the end of the due day there.
    when = f"the end of {due_at.astimezone(LONDON):%d/%m/%Y} (London time)"
    clause = f" (SEC {sec_clause})" if sec_clause else ""
    return f"{code} for {period} was due by {when} and has not been received{clause}"
