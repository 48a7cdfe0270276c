"""`viewer`: who the request's key makes the caller, and what it may do, so a front end can say it and offer only
that (the console shows the role and hides what the key may not use)."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.review import DISCUSSED_AT
from domain.roles import (
    MEETING_RECORDERS,
    OBSERVATION_WRITERS,
    OPSG_READERS,
    REPORT_READERS,
    STAFF,
    UPLOADERS,
    WHAT_IF_USERS,
)
from schema.context import Info
from schema.enums import described


# The values are the roles' names as keys carry them (lower case), unchanged from when the field was a string.
@strawberry.enum(description="A caller's role, which decides what they may see and do.")
class Role(Enum):
    public = described("public", "No key: what anyone may read.")
    party = described("party", "A Party's staff, tied to one Party.")
    dcc = described("dcc", "The DCC's staff.")
    secas = described("secas", "The Code Administrator.")
    opsg = described("opsg", "An Operations Group member.")
    panel = described("panel", "A Panel member.")
    admin = described("admin", "An administrator.")


# The root fields a role restricts, and the roles that may use each.
RESTRICTED: dict[str, frozenset[str]] = {
    "exceptions": REPORT_READERS,
    "reviewException": REPORT_READERS,
    "uploadReport": UPLOADERS,
    "opsgReport": OPSG_READERS,
    "recordObservation": OBSERVATION_WRITERS,
    "recordMeetingOutcome": MEETING_RECORDERS,
    "whatIf": WHAT_IF_USERS,
    "importRegister": STAFF,
}


@strawberry.type(description="The caller as the API sees them: the role and bodies that decide what they may see.")
class Viewer:
    role: Role = strawberry.field(description="The key's role: public without a key.")
    bodies: list[str] = strawberry.field(
        description="The bodies the caller belongs to (OPSG for opsg and PANEL for panel, plus any on the key), "
        "which open Amber and Red items of those bodies."
    )
    discussed_at: list[str] = strawberry.field(
        description="The bodies at whose meetings an exception is discussed: a review names one of their meetings."
    )
    may: list[str] = strawberry.field(
        description="The role-restricted queries and mutations this caller may use, by field name "
        f"(of {', '.join(RESTRICTED)}); the server stays the judge when they are called."
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: the role of the key sent with the request, public without one.")
    def viewer(self, info: Info) -> Viewer:
        who = info.context.viewer
        may = [name for name, roles in RESTRICTED.items() if who.role in roles]
        return Viewer(role=Role(who.role), bodies=list(who.all_bodies), discussed_at=list(DISCUSSED_AT), may=may)
