"""The OPSG table's words, as the July 2018 Sub-Committee report writes them.

Delivery per SEC ("On Time (SEC L8.9 – 10th Working day following month end)", "Late (due 15/05/2018, received
04/06/2018)", "Not due this month."), Content with the report's clause lead-in ("Per SEC L8.9(a), 873,383 requests
were sent versus a forecast of 553,814. ..."), and Observations: what OPSG recorded, "None" when it recorded nothing
and nothing is open, otherwise the open exceptions marked as not yet reviewed. The per-type wording is catalogue data
(delivery_wording, content_lead_in); a type without it gets wording made from its due rule.
"""

from __future__ import annotations

from domain.opsg.dates_numbers import count, day, ordinal, pct, plural, tbc
from domain.opsg.model import ExceptionNote, ReportRow

PROVIDERS = {"CODE": "Code", "DSP": "DSP", "CSP_N": "CSP", "CSP_C": "CSP", "CSP_S": "CSP"}
PROVIDER_ORDER = ("Code", "DSP", "CSP")
NOT_DUE = "Not due this month."
NOT_REVIEWED = "Not yet reviewed by OPSG"
NONE = "None"
NOT_APPLICABLE = "n/a"
MAX_OPEN_NOTES = 5


def due_rule(row: ReportRow) -> str:
    """The due rule in words, for a type whose catalogue entry carries none: 'SEC H3.24 – ...'."""
    clause = tbc(f"SEC {row.sec_clause}" if row.sec_clause else "SEC clause", "sec_clause" in row.tbc)
    cadence = tbc(row.cadence.capitalize(), "cadence" in row.tbc)
    if row.due_working_days is None:
        return f"{clause} – {cadence} - timing not specified"
    end = "month" if row.cadence == "MONTHLY" else "quarter"
    rule = tbc(f"{ordinal(row.due_working_days)} Working Day following {end} end", "due_working_days" in row.tbc)
    return f"{clause} – {cadence}, {rule}"


def wording(row: ReportRow) -> str:
    return row.delivery_wording or due_rule(row)


def delivery_text(row: ReportRow) -> str:
    """Delivery per SEC for one report and period."""
    if row.period is None or row.delivery == "NOT_DUE":
        return NOT_DUE
    if row.delivery in ("ON_TIME", "NO_DEADLINE"):
        return f"On Time ({wording(row)})"
    if row.delivery == "LATE":
        return f"Late ({late_dates(row)})"
    return "Missing" if row.delivery == "MISSING" else "Not yet due"


def late_dates(row: ReportRow) -> str:
    due = day(row.due_at) if row.due_at else "?"
    received = day(row.first_received_at) if row.first_received_at else "?"
    return f"due {due}, received {received}"


def delivery_phrase(row: ReportRow, label: str) -> str:
    """One period's delivery inside a merged row: 'April report delayed (due ..., received ...).', 'May on time.'"""
    if row.delivery in ("ON_TIME", "NO_DEADLINE"):
        return f"{label} on time."
    if row.delivery == "LATE":
        return f"{label} report delayed ({late_dates(row)})."
    if row.delivery == "MISSING":
        return f"{label} missing."
    return f"{label} not due." if row.delivery == "NOT_DUE" else f"{label} not yet due."


def _lead(row: ReportRow, text: str) -> str:
    return f"{row.content_lead_in} {text}" if row.content_lead_in else text[0].upper() + text[1:]


def _variance(row: ReportRow) -> str:
    actual, forecast = int(row.actual_total or 0), int(row.forecast_total or 0)
    text = _lead(row, f"{count(actual)} requests were sent versus a forecast of {count(forecast)}")
    if forecast == 0 or row.ratio_pct is None:
        return text + ": no share of the forecast can be given."
    return (
        f"{text}. This is a variance of {count(actual - forecast)}. This equates to {pct(row.ratio_pct)} of the "
        "total forecast volume."
    )


def _providers(codes: tuple[str, ...]) -> str:
    names = sorted(
        {PROVIDERS.get(c, c) for c in codes},
        key=lambda n: (PROVIDER_ORDER.index(n) if n in PROVIDER_ORDER else len(PROVIDER_ORDER), n),
    )
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _measures(row: ReportRow) -> str:
    where = " where data is available" if row.measures_no_data else ""
    if not row.shortfalls:
        text = _lead(row, f"The report indicates all {_providers(row.providers)} measures are all above Target{where}.")
    else:
        parts = []
        for s in row.shortfalls:
            levels = [f"Target {pct(s.target_pct)}"] if s.target_pct is not None else []
            if s.minimum_pct is not None:
                levels.append(f"Minimum {pct(s.minimum_pct)}")
            parts.append(f"{s.subject} {pct(s.actual_pct)} ({', '.join(levels)})")
        below_min = sum(1 for s in row.shortfalls if s.below == "MINIMUM")
        text = _lead(
            row,
            f"The report indicates {count(len(row.shortfalls))} of {plural(row.measures, 'measure')} "
            f"below Target{where}, {count(below_min)} of them below the Minimum Service Level: "
            + "; ".join(parts)
            + ".",
        )
    unchecked = row.measures - row.measures_no_data - row.measures_checked
    if unchecked > 0:
        text += f" {plural(unchecked, 'measure')} without a Target or Minimum Service Level not checked."
    return text


def _incidents(row: ReportRow) -> str:
    resolved = "1 Incident" if row.incidents_resolved == 1 else f"{count(row.incidents_resolved)} Incidents"
    text = _lead(row, f"{resolved} reported in the period as resolved.")
    if row.incidents_open == 1:
        text += " One open Incident still awaiting resolution."
    elif row.incidents_open:
        text += f" {count(row.incidents_open)} open Incidents still awaiting resolution."
    else:
        text += " No open Incident."
    other = row.incidents - row.incidents_resolved - row.incidents_open
    return text + (f" {plural(other, 'Incident')} in another status." if other else "")


def content(row: ReportRow) -> str:
    """The figures of the submission that counts (the newest one not REJECTED)."""
    if row.period is None or row.delivery == "NOT_DUE":
        return NOT_APPLICABLE
    if row.submission_id is None:
        return "Not yet received." if row.delivery == "NOT_YET_DUE" else "No report received."
    received = day(row.submission_received_at) if row.submission_received_at else "?"
    if row.submission_status in ("RECEIVED", "VALIDATING"):
        return f"Received {received}; validation not finished yet."
    if row.variance_rows:
        text = _variance(row)
    elif row.measures:
        text = _measures(row)
    elif row.incidents:
        text = _incidents(row)
    else:
        rows = f", {plural(row.row_count, 'row')}" if row.row_count is not None else ""
        return f"Received {received}{rows}; no figures are extracted from this report."
    if row.first_received_at is not None and row.submission_received_at != row.first_received_at:
        text += f" Figures from the resubmission of {received}."
    return text


def summary(e: ExceptionNote) -> str:
    """An exception in one line: 'VARIANCE_ABOVE_TOLERANCE TOTAL: <message>'."""
    return f"{e.rule_code} {e.subject}: {' '.join(e.message.split())}"


def open_notes(row: ReportRow) -> list[str]:
    """The open exceptions of the report and period, each marked as not yet reviewed."""
    notes = [f"{NOT_REVIEWED}: {summary(e)}" for e in row.exceptions if e.is_open]
    if len(notes) > MAX_OPEN_NOTES:
        notes = [*notes[:MAX_OPEN_NOTES], f"… and {count(len(notes) - MAX_OPEN_NOTES)} more open exceptions."]
    elif row.exception_count > len(row.exceptions) and notes:
        notes.append("… and possibly more open exceptions (see the exceptions of this report and period).")
    return notes


def observation_text(row: ReportRow) -> str:
    """What the Observations cell says: OPSG's recorded text, else the open exceptions, else None."""
    if row.period is None or row.delivery == "NOT_DUE":
        return NOT_APPLICABLE
    if row.observation is not None and row.observation.text.strip():
        return row.observation.text.strip()
    return "\n".join(open_notes(row)) or NONE


def exception_lines(row: ReportRow) -> list[str]:
    """Every exception of the report and period with its status and latest comment (the evidence)."""
    notes = []
    for e in row.exceptions:
        note = f"{e.rule_code} {e.subject} ({e.severity}, {e.status}): {e.message}"
        if e.comment:
            note += f" Latest comment ({e.comment_by}, {e.comment_on}): {e.comment}"
        notes.append(note)
    if row.exception_count > len(row.exceptions):
        notes.append(
            f"… and {count(row.exception_count - len(row.exceptions))} more exceptions for this report and period."
        )
    return notes
