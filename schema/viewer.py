"""`viewer`: who the request's key makes the caller, so a front end can say it (the console shows the role)."""

from __future__ import annotations

from enum import Enum

import strawberry

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


@strawberry.type(description="The caller as the API sees them: the role and bodies that decide what they may see.")
class Viewer:
    role: Role = strawberry.field(description="The key's role: public without a key.")
    bodies: list[str] = strawberry.field(
        description="The bodies the caller belongs to (OPSG for opsg and PANEL for panel, plus any on the key), "
        "which open Amber and Red items of those bodies."
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: the role of the key sent with the request, public without one.")
    def viewer(self, info: Info) -> Viewer:
        who = info.context.viewer
        return Viewer(role=Role(who.role), bodies=list(who.all_bodies))
