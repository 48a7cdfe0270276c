"""The Operations Group's meeting: what it may conclude about an exception, how its follow-ups are numbered, owned,
closed and judged overdue, and how an overdue one is worded when it is raised to the Operations Group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.classification import ANY_KEY_SEES
from domain.errors import Forbidden, InvalidInput
from domain.review import decide
from domain.roles import MEETING_RECORDERS

# The history action of an exception the meeting noted and left as it was.
NOTED = "NOTED"
# Owners that are not Parties; any other owner is a Party.
OWNER_BODIES = ("DCC", "SECAS")
# The rule code of the exception raised when a follow-up passes its due date still open.
OVERDUE_RULE = "FOLLOW_UP_OVERDUE"
OPEN, CLOSED, OVERDUE = "OPEN", "CLOSED", "OVERDUE"
# A meeting reference with its number: OPSG_10_2407, SECP_59_1008 (body, number, day and month).
_NUMBERED = re.compile(r"^([A-Z][A-Z0-9]*)_(\d{1,3})_(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])$")
# An observation is a few sentences for the Panel's pack, not a document.
MAX_OBSERVATION_CHARS = 4000


def check_observation(text: str, field: str) -> None:
    """Refuse an observation longer than the Panel's pack keeps."""
    if len(text) > MAX_OBSERVATION_CHARS:
        raise InvalidInput(
            f"the text has {len(text):,} characters; at most {MAX_OBSERVATION_CHARS:,} are kept", field=field
        )


def outcome(role: str, status: str, action: str | None, comment: str | None) -> tuple[str, str, str | None]:
    """(history action, status after, comment kept) for one exception discussed at a meeting: noted (no action,
    the status stays) or a review action under the review rules."""
    if action is None:
        if role not in MEETING_RECORDERS:
            raise Forbidden(f"the {role} role may not record a meeting's outcome", field="action")
        return NOTED, status, (comment or "").strip() or None
    to, text = decide(role, status, action, comment)
    return action, to, text


def follow_up_reference(meeting_reference: str, number: int) -> str:
    """The body's numbering: OPSG10/01 for the first action of OPSG_10_2407 (as the Panel's SECP33/01); a meeting
    whose reference has no number gives its reference: OPSG_2606_2018/01."""
    found = _NUMBERED.match(meeting_reference)
    stem = f"{found.group(1)}{int(found.group(2))}" if found else meeting_reference
    return f"{stem}/{number:02d}"


def owner_kind(owner: str) -> str | None:
    """DCC or SECAS when the owner is one of them; None when it should be a Party's ID."""
    name = owner.strip().upper()
    return name if name in OWNER_BODIES else None


def status_of(status: str, due_on: date | None, today: date) -> str:
    """OPEN, CLOSED, or OVERDUE: open after its due date (London days)."""
    if status != OPEN:
        return CLOSED
    return OVERDUE if due_on is not None and due_on < today else OPEN


def may_close(role: str, owner: str | None) -> bool:
    """The Operations Group and the administrator close any follow-up; the DCC closes its own."""
    return role in MEETING_RECORDERS or (role == "dcc" and owner == "DCC")


def closing_comment(comment: str | None) -> str:
    """The comment a follow-up is closed with, or the refusal: closing one needs a comment."""
    text = (comment or "").strip()
    if not text:
        raise InvalidInput("closing a follow-up needs a comment saying how it was done", field="comment")
    return text


@dataclass(frozen=True, slots=True)
class OverdueFollowUp:
    """An open follow-up past its due date, as the scheduler finds it."""

    id: int
    reference: str
    text: str
    owner: str
    due_on: date
    classification: str
    report_type_id: int
    report_type: str
    period: str


def _open_to_all(classification: str) -> bool:
    """Every role that reads exceptions has a key, so sees what any key sees."""
    return classification in ANY_KEY_SEES


def overdue_subject(id: int, reference: str, classification: str) -> str:
    """The exception's subject: the follow-up's reference; for one of an Amber or Red meeting, which every role that
    reads exceptions would see, a number that names no meeting."""
    return reference if _open_to_all(classification) else f"FOLLOW-UP-{id}"


def overdue_message(f: OverdueFollowUp) -> str:
    """The exception's words; a follow-up of an Amber or Red meeting is not quoted (see overdue_subject)."""
    due = f"{f.due_on:%d/%m/%Y}"
    if not _open_to_all(f.classification):
        return f"A follow-up of a classified meeting for {f.owner} was due by {due} and is still open"
    return f"Follow-up {f.reference} for {f.owner} was due by {due} and is still open: {f.text}"


def closed_note(reference: str, comment: str) -> str:
    """The system's comment when the follow-up behind an overdue exception is closed."""
    return f"follow-up {reference} closed: {comment}"
