"""The words a front end shows for the API's enum values: one place, so no client keeps a copy of its own."""

from __future__ import annotations

# Each review action: the button's words, and what is said once it is done.
REVIEW_ACTIONS: dict[str, tuple[str, str]] = {
    "ACKNOWLEDGE": ("Acknowledge", "Acknowledged"),
    "RESOLVE": ("Resolve", "Resolved"),
    "WAIVE": ("Waive", "Waived"),
    "ESCALATE": ("Escalate to the Panel", "Escalated"),
    "REOPEN": ("Reopen", "Reopened"),
    "COMMENT": ("Comment", "Comment added"),
}
# In the order a chart stacks them: open work first.
EXCEPTION_STATUSES: dict[str, str] = {
    "OPEN": "Open",
    "ACKNOWLEDGED": "Acknowledged",
    "ESCALATED": "Escalated",
    "RESOLVED": "Resolved",
    "WAIVED": "Waived",
}
# Most severe first, as the queue orders them.
SEVERITIES: dict[str, str] = {"HIGH": "High", "WARNING": "Warning", "INFO": "Info"}
SUBMISSION_STATUSES: dict[str, str] = {
    "RECEIVED": "Received",
    "VALIDATING": "Validating",
    "PASSED": "Passed",
    "FLAGGED": "Flagged",
    "REJECTED": "Rejected",
}
DELIVERY: dict[str, str] = {
    "ON_TIME": "On time",
    "LATE": "Late",
    "MISSING": "Missing",
    "NOT_YET_DUE": "Not yet due",
    "NOT_DUE": "Not due this month",
    "NO_DEADLINE": "No deadline",
}
# In the order the Operations Report lists them.
PARTY_CATEGORIES: dict[str, str] = {
    "LARGE_SUPPLIER": "Large Supplier",
    "SMALL_SUPPLIER": "Small Supplier",
    "ELECTRICITY_NETWORK": "Electricity Network",
    "GAS_NETWORK": "Gas Network",
    "OTHER_SEC_PARTY": "Other SEC Party",
    "DCC": "DCC",
}

# The figures a finding keeps (its details), in the order they are shown.
FINDING_DETAILS: dict[str, str] = {
    "actual": "Actual",
    "forecast": "Forecast",
    "ratio": "Actual as % of forecast",
    "lower": "Tolerance, lower",
    "upper": "Tolerance, upper",
    "due_at": "Due",
    "received_at": "Received",
    "column": "Column",
    "value": "Value",
    "target_pct": "Target",
    "minimum_pct": "Minimum",
    "actual_pct": "Achieved",
}


def labelled() -> dict[str, dict[str, tuple[str, str | None]]]:
    """Every labelled enum by its schema name (and FindingDetail, the keys of a finding's details): value →
    (label, words once done, where an action has them)."""
    plain = {
        "ExceptionStatus": EXCEPTION_STATUSES,
        "Severity": SEVERITIES,
        "SubmissionStatus": SUBMISSION_STATUSES,
        "Delivery": DELIVERY,
        "PartyCategory": PARTY_CATEGORIES,
        "FindingDetail": FINDING_DETAILS,
    }
    out: dict[str, dict[str, tuple[str, str | None]]] = {
        "ReviewAction": {k: (label, done) for k, (label, done) in REVIEW_ACTIONS.items()}
    }
    for kind, words in plain.items():
        out[kind] = {k: (label, None) for k, label in words.items()}
    return out
