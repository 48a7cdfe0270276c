"""Reviewing an exception: the legal transitions and who may take which action (docs/domain.md)."""

from __future__ import annotations

from domain.errors import Forbidden, IllegalTransition, InvalidInput

# (from status, action) → to status; COMMENT keeps the status.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("OPEN", "ACKNOWLEDGE"): "ACKNOWLEDGED",
    ("OPEN", "RESOLVE"): "RESOLVED",
    ("OPEN", "WAIVE"): "WAIVED",
    ("OPEN", "ESCALATE"): "ESCALATED",
    ("ACKNOWLEDGED", "RESOLVE"): "RESOLVED",
    ("ACKNOWLEDGED", "WAIVE"): "WAIVED",
    ("ACKNOWLEDGED", "ESCALATE"): "ESCALATED",
    ("ESCALATED", "RESOLVE"): "RESOLVED",
    ("ESCALATED", "WAIVE"): "WAIVED",
    ("RESOLVED", "REOPEN"): "OPEN",
    ("WAIVED", "REOPEN"): "OPEN",
}
COMMENT = "COMMENT"
# Not yet settled: still to be reviewed, or with the Panel.
OPEN_STATUSES = frozenset({"OPEN", "ACKNOWLEDGED", "ESCALATED"})
# What a later run that no longer raises the problem resolves by itself; an ESCALATED one is the Panel's to settle.
RESOLVED_BY_A_RUN = frozenset({"OPEN", "ACKNOWLEDGED"})
NEEDS_COMMENT = frozenset({"RESOLVE", "WAIVE", "ESCALATE", "REOPEN", COMMENT})
ALL_ACTIONS = ("ACKNOWLEDGE", "RESOLVE", "WAIVE", "ESCALATE", "REOPEN", COMMENT)
# Roles that may take every action; dcc may only comment; panel decides what was escalated to it.
REVIEWERS = frozenset({"opsg", "secas", "admin"})
PANEL_ON_ESCALATED = frozenset({"RESOLVE", "WAIVE", COMMENT})
# The bodies at whose meetings exceptions are discussed: the Operations Group, and the Panel for escalated ones.
DISCUSSED_AT = ("OPSG", "PANEL")


def allowed(role: str, status: str, action: str) -> bool:
    """Whether a role may take an action on an exception in a status."""
    if role in REVIEWERS:
        return True
    if role == "dcc":
        return action == COMMENT
    if role == "panel":
        return status == "ESCALATED" and action in PANEL_ON_ESCALATED
    return False


def next_status(status: str, action: str) -> str | None:
    """The status an action leads to; None when the action is not possible from that status."""
    if action == COMMENT:
        return status
    return TRANSITIONS.get((status, action))


def actions_from(status: str) -> list[str]:
    """The actions possible on an exception in a status (COMMENT always), in the order the console shows them."""
    return [a for a in ALL_ACTIONS if next_status(status, a) is not None]


def decide(role: str, status: str, action: str, comment: str | None) -> tuple[str, str | None]:
    """The status a reviewer's action leads to and the comment to keep, or the refusal that says why not."""
    if action not in ALL_ACTIONS:
        raise InvalidInput(f"unknown action {action}", field="action")
    if not allowed(role, status, action):
        raise Forbidden(f"the {role} role may not {action} an exception that is {status}", field="action")
    to = next_status(status, action)
    if to is None:
        raise IllegalTransition(f"{action} is not possible on an exception that is {status}", field="action")
    text = (comment or "").strip() or None
    if action in NEEDS_COMMENT and not text:
        raise InvalidInput(f"{action} needs a comment saying why", field="comment")
    return to, text
