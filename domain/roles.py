"""Roles and what each may see and do: the one place the role sets are spelled."""

from __future__ import annotations

# Every role a key may carry; `public` is the caller without a key.
ROLES = ("public", "party", "dcc", "secas", "opsg", "panel", "admin")
# A role that is a body's membership implies that body.
IMPLIED_BODIES = {"opsg": "OPSG", "panel": "PANEL"}

# The administrator's roles: see and change everything (register, catalogue, calendar, re-validation, audit log).
STAFF = frozenset({"secas", "admin"})
# Submissions, findings, rows, exceptions and their subscriptions.
REPORT_READERS = frozenset({"dcc", "opsg", "panel", "secas", "admin"})
# `uploadReport` and the REST upload.
UPLOADERS = frozenset({"dcc", "secas", "admin"})
# `opsgReport` and its downloads.
OPSG_READERS = frozenset({"opsg", "panel", "secas", "admin"})
# `recordObservation`: the Operations Group's own words, and the administrator's.
OBSERVATION_WRITERS = frozenset({"opsg", "secas", "admin"})
# The audit log.
AUDIT_READERS = STAFF
# `recordMeetingOutcome`, and closing any follow-up (the DCC closes its own: domain.meeting.may_close): the
# Operations Group and the administrator, as for observations.
MEETING_RECORDERS = OBSERVATION_WRITERS
# `whatIf`: trying a catalogue change over past months before making it; the same people.
WHAT_IF_USERS = OBSERVATION_WRITERS


def is_staff(role: str) -> bool:
    return role in STAFF
