"""`viewer`: who the request's key makes the caller, so a front end can say it (the console shows the role)."""

from __future__ import annotations

import strawberry

from schema.context import Info


@strawberry.type(description="The caller as the API sees them: the role and bodies that decide what they may see.")
class Viewer:
    role: str = strawberry.field(
        description="The key's role: public (no key), party, dcc, secas, opsg, panel or admin."
    )
    bodies: list[str] = strawberry.field(
        description="The bodies the caller belongs to (OPSG for opsg and PANEL for panel, plus any on the key), "
        "which open Amber and Red items of those bodies."
    )


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: the role of the key sent with the request, public without one.")
    def viewer(self, info: Info) -> Viewer:
        who = info.context.viewer
        return Viewer(role=who.role, bodies=list(who.all_bodies))
